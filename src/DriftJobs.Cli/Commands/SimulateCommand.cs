using System.CommandLine;
using System.Globalization;
using DriftJobs.Cli.Simulation;
using DriftJobs.Storage;

namespace DriftJobs.Cli.Commands;

/// <summary>
/// <c>driftctl simulate</c>: a synthetic training set, a validation set, hours of inference logs and their late
/// ground truth, for demos and tests.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create(CliRuntime runtime)
    {
        var storage = new StorageTarget();
        var model = new Option<string>("--model-name") { Description = "Model name", DefaultValueFactory = _ => SyntheticModel.DefaultName };
        var version = new Option<string>("--model-version") { Description = "Model version", DefaultValueFactory = _ => SyntheticModel.DefaultVersion };
        var scenario = new Option<string>("--scenario")
        {
            Description = "What happens in production: " + string.Join(", ", Scenarios.Names),
            DefaultValueFactory = _ => "covariate-shift",
        };
        scenario.AcceptOnlyFromAmong([.. Scenarios.Names]);
        var hours = new Option<int>("--hours") { Description = "Hours of logs, ending at --end", DefaultValueFactory = _ => 24 };
        var rows = new Option<int>("--rows-per-hour") { Description = "Predictions logged per hour", DefaultValueFactory = _ => 500 };
        var training = new Option<int>("--training-rows") { Description = "Rows of the training set", DefaultValueFactory = _ => 20_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed writes the same data", DefaultValueFactory = _ => 42 };
        var validation = new Option<int>("--validation-rows")
        {
            Description = "Rows of the validation set (features, target, the model's prediction and prediction_score)",
            DefaultValueFactory = _ => SimulationRequest.DefaultValidationRows,
        };
        var end = new Option<DateTimeOffset?>("--end") { Description = "End of the simulated hours (on the hour, UTC) [default: now, truncated to the hour]", HelpName = "iso-8601" };
        var labelShare = new Option<double>("--label-share")
        {
            Description = $"Share of the predictions whose ground truth (label) arrives, 0 to 1; written by arrival hour under ${StorageOptions.GroundTruthPrefixSetting} (else {StorageOptions.DefaultGroundTruthPrefix})",
            DefaultValueFactory = _ => LabelArrival.DefaultShare,
        };
        var labelDelay = new Option<int>("--label-delay-hours")
        {
            Description = "Hours from a prediction to the earliest arrival of its label; labels arriving after --end are not written",
            DefaultValueFactory = _ => LabelArrival.DefaultDelayHours,
        };
        var labelSpread = new Option<int>("--label-spread-hours")
        {
            Description = "Labels arrive uniformly within this many hours after the delay, so one hour's labels land in several later hours",
            DefaultValueFactory = _ => LabelArrival.DefaultSpreadHours,
        };
        var duplicates = new Option<double>("--duplicate-label-share")
        {
            Description = "Share of the labels delivered a second time, an hour after the first, 0 to 1",
            DefaultValueFactory = _ => 0,
        };
        foreach (var option in new[] { hours, rows, training, validation })
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() is < 1 or > 10_000_000)
                {
                    result.AddError($"{option.Name} must be between 1 and 10,000,000");
                }
            });
        }

        foreach (var option in new[] { labelDelay, labelSpread })
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() is < 0 or > LabelArrival.MaxHours)
                {
                    result.AddError($"{option.Name} must be between 0 and {LabelArrival.MaxHours}");
                }
            });
        }

        foreach (var option in new[] { labelShare, duplicates })
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<double>() is not (>= 0 and <= 1))
                {
                    result.AddError($"{option.Name} must be between 0 and 1");
                }
            });
        }

        var command = new Command(
            "simulate",
            "Write a synthetic training set, a validation set, hours of inference logs (through the inference logger) and " +
            "their ground truth, arriving late, for a fictional fraud model. Scenarios: none; covariate-shift, " +
            "categorical-shift, missing-values, schema-change (the features change in every hour); concept-drift (the " +
            "features keep their training distribution, but from a third of the way into the hours fraud follows short " +
            "session_seconds instead of distance_km, so the model's accuracy falls from about 0.93 to 0.72)")
        {
            model, version, scenario, hours, rows, training, validation, seed, end, labelShare, labelDelay, labelSpread, duplicates,
        };
        storage.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var options = storage.Read(parseResult);
            var now = runtime.Time.GetUtcNow();
            var request = new SimulationRequest(
                parseResult.GetRequiredValue(model),
                parseResult.GetRequiredValue(version),
                Scenarios.Parse(parseResult.GetRequiredValue(scenario)),
                parseResult.GetValue(hours),
                parseResult.GetValue(rows),
                parseResult.GetValue(training),
                parseResult.GetValue(seed),
                parseResult.GetValue(end)?.ToUniversalTime() ?? new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero),
                options.LogsPrefix,
                options.GroundTruthPrefix,
                new LabelArrival(parseResult.GetValue(labelShare), parseResult.GetValue(labelDelay), parseResult.GetValue(labelSpread), parseResult.GetValue(duplicates)),
                parseResult.GetValue(validation));
            return HandleAsync(options, request, runtime, cancellationToken);
        });
        return command;
    }

    public static Task<int> HandleAsync(StorageOptions storage, SimulationRequest request, CliRuntime runtime, CancellationToken cancellationToken = default) =>
        DriftCtl.RunAsync(runtime, async () =>
        {
            try
            {
                ModelIdentity.Validate(request.ModelName, "--model-name");
                ModelIdentity.Validate(request.ModelVersion, "--model-version");
                _ = new StorageLayout(request.LogsPrefix, request.GroundTruthPrefix);
            }
            catch (StorageConfigurationException e)
            {
                throw new CliException(ExitCodes.Usage, e.Message, e);
            }

            if (request.End.Minute != 0 || request.End.Second != 0 || request.End.Millisecond != 0)
            {
                throw new CliException(ExitCodes.Usage, "--end must be on an hour boundary");
            }

            var container = StorageTarget.Connect(storage);
            var result = await StorageTarget.CallAsync(container, () => Simulator.RunAsync(container, request, cancellationToken)).ConfigureAwait(false);
            await runtime.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Simulated {request.ModelName} v{request.ModelVersion}, scenario {Scenarios.Names[(int)request.Scenario]}: " +
                $"{result.TrainingRows} training rows → {container.Name}/{result.TrainingBlob}; " +
                $"{result.ValidationRows} validation rows → {container.Name}/{result.ValidationBlob}; " +
                $"{result.LogRecords} predictions over {request.Hours} h ending {request.End:yyyy-MM-ddTHH}Z → {result.LogFiles} Parquet files under {request.LogsPrefix}/; " +
                $"{result.Labels} labels arrived → {result.LabelFiles} Parquet files under {request.GroundTruthPrefix}/")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
}
