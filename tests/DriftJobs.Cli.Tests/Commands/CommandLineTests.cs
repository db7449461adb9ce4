using System.CommandLine;
using System.Reflection;
using DriftJobs.Cli.Cluster;
using DriftJobs.Cli.Tests.Fakes;

namespace DriftJobs.Cli.Tests.Commands;

public sealed class CommandLineTests
{
    private readonly LineWriter output = new();
    private readonly LineWriter error = new();

    public static TheoryData<string> Commands() =>
        new(DriftCtl.CreateRootCommand(new CliRuntime(TextWriter.Null, TextWriter.Null, TimeProvider.System))
            .Subcommands.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_has_help_describing_it_and_its_options(string command)
    {
        var exit = await Run(command, "--help");

        Assert.Equal(ExitCodes.Success, exit);
        var help = output.Text;
        Assert.StartsWith("Description:", help, StringComparison.Ordinal);
        Assert.Contains($" {command} [options]", help, StringComparison.Ordinal);
        // Cluster commands take the cluster's options; storage commands take the storage account's.
        string[] cluster = ["--kubeconfig", "--context", "-n, --namespace", "--cronjob"];
        string[] storage = ["--connection-string", "--account-url", "--container"];
        var expected = command is "trigger-job" or "backfill" or "status" or "logs" ? cluster : storage;
        foreach (var option in expected)
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }

        // Every option line says what the option does.
        Assert.All(
            help.Split('\n').Where(l => l.TrimStart().StartsWith('-')),
            line => Assert.Matches(@"^\s+-\S.*\S\s{2,}\S", line));
    }

    [Fact]
    public async Task The_root_help_lists_the_commands()
    {
        var exit = await Run("--help");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("trigger-job", output.Text, StringComparison.Ordinal);
        Assert.Contains("status", output.Text, StringComparison.Ordinal);
        Assert.Contains("logs", output.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("trigger-job", "--bogus")]
    [InlineData("trigger-job", "--timeout", "soon")]
    [InlineData("no-such-command")]
    [InlineData]
    public async Task A_wrong_command_line_exits_2(params string[] args)
    {
        var exit = await Run(args);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.NotEmpty(error.Text);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("1h30m", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("45", 45)]
    public void Durations_parse_as_operators_write_them(string text, int seconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("m")]
    [InlineData("5x")]
    [InlineData("10m5")]
    [InlineData("9999999999s")]
    public void Bad_durations_are_refused(string text) => Assert.False(Durations.TryParse(text, out _));

    [Fact]
    public void Exit_codes_are_distinct()
    {
        var codes = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (int)f.GetRawConstantValue()!).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
    }

    private Task<int> Run(params string[] args) =>
        DriftCtl.InvokeAsync(args, new CliRuntime(output, error, TimeProvider.System));
}
