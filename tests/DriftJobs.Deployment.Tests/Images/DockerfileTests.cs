using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DriftJobs.Testing;

namespace DriftJobs.Deployment.Tests.Images;

/// <summary>
/// What the images promise, read from the Dockerfiles (no container engine runs here; `make check-images` runs
/// their build commands outside one).
/// </summary>
public sealed partial class DockerfileTests
{
    [Theory]
    [InlineData("Dockerfile.detector", "DriftJobs.Detector")]
    [InlineData("Dockerfile.baseline", "DriftJobs.Baseline")]
    public void Builds_with_the_sdk_and_runs_only_that_jobs_publish_output_as_a_non_root_user(string file, string project)
    {
        var stages = Stages(file);

        Assert.Equal(2, stages.Count);
        var (buildFrom, build) = stages[0];
        var (_, runtime) = stages[1];
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/sdk:\S+ AS build$", buildFrom);

        // The build publishes that job's project, and no other.
        var publish = Assert.Single(build, l => l.StartsWith("RUN dotnet publish", StringComparison.Ordinal));
        Assert.Contains($"src/{project}/{project}.csproj", publish, StringComparison.Ordinal);
        Assert.Contains("-c Release", publish, StringComparison.Ordinal);
        Assert.Contains("-o /app/publish", publish, StringComparison.Ordinal);
        Assert.DoesNotContain(build, l => l.StartsWith("COPY", StringComparison.Ordinal) && l.Contains("tests/", StringComparison.Ordinal));
        var other = project == "DriftJobs.Detector" ? "DriftJobs.Baseline" : "DriftJobs.Detector";
        Assert.DoesNotContain(build, l => l.Contains(other, StringComparison.Ordinal));

        // The runtime stage holds the publish output and nothing from the build context.
        Assert.Equal(["COPY --from=build /app/publish ."], runtime.Where(l => l.StartsWith("COPY", StringComparison.Ordinal)).ToArray());
        Assert.DoesNotContain(runtime, l => l.StartsWith("RUN", StringComparison.Ordinal));
        var user = Assert.Single(runtime, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.Matches(@"^USER [1-9][0-9]*$", user);
    }

    [Fact]
    public void Detector_runs_as_a_native_executable_on_the_runtime_deps_image()
    {
        // The detector is compiled ahead of time into one executable (its csproj says why): the build needs the SDK
        // image that carries the native toolchain, and the image only the native dependencies; it starts the
        // executable itself rather than through `dotnet`.
        var stages = Stages("Dockerfile.detector");
        var publish = Assert.Single(stages[0].Lines, l => l.StartsWith("RUN dotnet publish", StringComparison.Ordinal));

        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/sdk:\S+-aot AS build$", stages[0].From);
        Assert.DoesNotContain("UseAppHost=false", publish, StringComparison.Ordinal);
        Assert.DoesNotContain("PublishAot=false", publish, StringComparison.Ordinal);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/runtime-deps:\S+-chiseled AS runtime$", stages[1].From);
        Assert.Contains("WORKDIR /app", stages[1].Lines);
        Assert.Equal("ENTRYPOINT [\"/app/DriftJobs.Detector\"]", stages[1].Lines[^1]);
    }

    [Theory]
    [InlineData("linux-x64", null, "x86-64-v3")]
    [InlineData("linux-musl-x64", null, "x86-64-v3")]
    [InlineData("linux-x64", "", "")]
    [InlineData("linux-arm64", null, "")]
    public async Task Detector_publishes_ahead_of_time_for_x86_64_v3_only_when_publishing_for_x64(string runtimeIdentifier, string? instructionSet, string expected)
    {
        // An x64 instruction set means nothing to an arm64 build; an empty X64InstructionSet is the documented way
        // back to the default for older nodes. The publish's first step runs (not the setting's target by name), so
        // the hook into the publish is checked too; it only creates the publish folder, given a scratch one here.
        var publishDir = Directory.CreateTempSubdirectory("driftjobs-publish-").FullName;
        try
        {
            List<string> arguments =
            [
                "msbuild", Path.Combine("src", "DriftJobs.Detector", "DriftJobs.Detector.csproj"), "-nologo",
                "-t:PrepareForPublish", $"-p:RuntimeIdentifier={runtimeIdentifier}", "-p:Configuration=Release",
                $"-p:PublishDir={publishDir}{Path.DirectorySeparatorChar}", "-getProperty:PublishAot", "-getProperty:IlcInstructionSet",
            ];
            if (instructionSet is not null)
            {
                arguments.Add($"-p:X64InstructionSet={instructionSet}");
            }

            var run = await ProcessRunner.RunAsync(ProcessRunner.Dotnet, arguments);

            Assert.True(run.ExitCode == 0, run.ToString());
            var properties = JsonNode.Parse(run.Output)!["Properties"]!;
            Assert.Equal("true", (string?)properties["PublishAot"]);
            Assert.Equal(expected, (string?)properties["IlcInstructionSet"]);
        }
        finally
        {
            Directory.Delete(publishDir, recursive: true);
        }
    }

    [Fact]
    public void Baseline_runs_framework_dependent_on_the_runtime_image()
    {
        // The baseline job runs once per retrain, not hourly: it keeps the smaller framework-dependent publish.
        var stages = Stages("Dockerfile.baseline");

        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/runtime:\S+-chiseled AS runtime$", stages[1].From);
        Assert.Equal("ENTRYPOINT [\"dotnet\", \"DriftJobs.Baseline.dll\"]", stages[1].Lines[^1]);
    }

    [Theory]
    [InlineData("Dockerfile.detector")]
    [InlineData("Dockerfile.baseline")]
    public void Holds_no_secret(string file)
    {
        var lines = Stages(file).SelectMany(s => s.Lines).ToList();

        Assert.DoesNotContain(lines, l => SecretName().IsMatch(l) && (l.StartsWith("ENV", StringComparison.Ordinal) || l.StartsWith("ARG", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.StartsWith("COPY", StringComparison.Ordinal) && (l.Contains(".env", StringComparison.Ordinal) || l.Contains(" . ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("Dockerfile.detector")]
    [InlineData("Dockerfile.baseline")]
    public void Sets_only_runtime_knobs_in_the_form_the_benchmark_reads(string file)
    {
        // bench/.../ImageRuntime.cs runs the published job with these, so the numbers in docs/benchmarks.md are the image's.
        foreach (var env in Stages(file)[1].Lines.Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)))
        {
            Assert.Matches(@"^ENV DOTNET_[A-Za-z0-9_]+=[^\s=]+$", env);
        }
    }

    [Fact]
    public void Detector_image_sets_a_gen0_budget_the_pod_memory_allows()
    {
        var env = Assert.Single(Stages("Dockerfile.detector")[1].Lines, l => l.StartsWith("ENV DOTNET_GCgen0size=", StringComparison.Ordinal));
        var value = env["ENV DOTNET_GCgen0size=".Length..];
        var budget = Convert.ToInt64(value, 16);

        // Hex digits alone: the ahead-of-time compiled runtime silently ignores a value written with "0x" (measured:
        // the same peak memory with 0x400000 and 0x10000000, against 169 and 294 MiB without the prefix).
        Assert.Matches("^[0-9A-Fa-f]+$", value);

        // Between the runtime's own budget and a size that would crowd the detector's 512Mi memory request.
        Assert.InRange(budget, 16L << 20, 64L << 20);
    }

    [Fact]
    public void The_build_context_leaves_out_build_output_and_credentials()
    {
        var ignored = File.ReadAllLines(Path.Combine(K8sTools.Root, ".dockerignore"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToHashSet();

        foreach (var pattern in new[] { "**/bin/", "**/obj/", ".git/", "tests/", "**/.env", "**/*.pfx", "**/*.key" })
        {
            Assert.Contains(pattern, ignored);
        }
    }

    [Fact]
    public void Chart_runs_the_images_as_their_user()
    {
        var values = File.ReadAllText(Path.Combine(K8sTools.Root, "helm", "drift-jobs", "values.yaml"));
        var user = Stages("Dockerfile.detector")[1].Lines.Single(l => l.StartsWith("USER ", StringComparison.Ordinal))[5..];

        Assert.Contains($"  runAsUser: {user}\n", values, StringComparison.Ordinal);
        Assert.Contains($"  runAsGroup: {user}\n", values, StringComparison.Ordinal);
    }

    /// <summary>Each stage's FROM text and its instructions, continuation lines joined and comments dropped.</summary>
    private static List<(string From, List<string> Lines)> Stages(string file)
    {
        var text = File.ReadAllText(Path.Combine(K8sTools.Root, file)).Replace("\\\n", " ", StringComparison.Ordinal);
        var stages = new List<(string From, List<string> Lines)>();
        foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            if (line.StartsWith("FROM ", StringComparison.Ordinal))
            {
                stages.Add((line[5..].Replace("${DOTNET_VERSION}", "10.0", StringComparison.Ordinal), []));
            }
            else if (stages.Count > 0)
            {
                stages[^1].Lines.Add(Regex.Replace(line, @"\s+", " "));
            }
        }

        return stages;
    }

    [GeneratedRegex("(?i)(password|secret|token|connection_?string|account_?key|sas)")]
    private static partial Regex SecretName();
}
