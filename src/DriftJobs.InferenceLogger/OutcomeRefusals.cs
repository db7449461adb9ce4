using System.Globalization;

namespace DriftJobs.InferenceLogger;

/// <summary>The checks an outcome must pass before it is queued, and how each refusal is named in metrics and logs.</summary>
internal static class OutcomeRefusals
{
    public static readonly int Count = Enum.GetValues<OutcomeRefusal>().Length;

    /// <summary>The <c>reason</c> tags of <c>outcomes.rejected</c>, by <see cref="OutcomeRefusal"/>.</summary>
    public static readonly IReadOnlyList<string> Tags = Enum.GetValues<OutcomeRefusal>().Select(Tag).ToArray();

    /// <summary>
    /// Null when <paramref name="outcome"/> can be written, its label conformed to <paramref name="labelKind"/> in
    /// <paramref name="label"/>; else why not. Unlike a prediction's values, a label is never written as null: a
    /// row that cannot be joined or scored would only skew the detector's label coverage.
    /// </summary>
    public static OutcomeRefusal? Check(OutcomeRecord? outcome, ValueKind labelKind, out ModelValue label)
    {
        label = ModelValue.Null;
        if (outcome is null)
        {
            return OutcomeRefusal.NullOutcome;
        }

        if (string.IsNullOrWhiteSpace(outcome.RequestId))
        {
            return OutcomeRefusal.NoRequestId;
        }

        if (!LogFileNames.IsValidSegment(outcome.ModelName) || !LogFileNames.IsValidSegment(outcome.ModelVersion))
        {
            return OutcomeRefusal.InvalidModel;
        }

        var given = outcome.Label;
        if (given.IsNull)
        {
            return OutcomeRefusal.NoLabel;
        }

        if (given.Number is { } number)
        {
            if (!double.IsFinite(number))
            {
                return OutcomeRefusal.InvalidLabel;
            }

            label = labelKind == ValueKind.String ? number.ToString("R", CultureInfo.InvariantCulture) : given;
            return null;
        }

        if (labelKind == ValueKind.String)
        {
            label = given;
            return null;
        }

        if (double.TryParse(given.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed))
        {
            label = parsed;
            return null;
        }

        return OutcomeRefusal.InvalidLabel;
    }

    private static string Tag(OutcomeRefusal refusal) => refusal switch
    {
        OutcomeRefusal.NullOutcome => "null",
        OutcomeRefusal.NoRequestId => "no_request_id",
        OutcomeRefusal.InvalidModel => "invalid_model",
        OutcomeRefusal.NoLabel => "no_label",
        OutcomeRefusal.InvalidLabel => "invalid_label",
        _ => "error",
    };

    /// <summary>The reason as the log says it.</summary>
    public static string Describe(OutcomeRefusal refusal) => refusal switch
    {
        OutcomeRefusal.NullOutcome => "null",
        OutcomeRefusal.NoRequestId => "without a request id",
        OutcomeRefusal.InvalidModel => "with a model name or version that is not 1-63 characters of [A-Za-z0-9._-] (or is . or ..)",
        OutcomeRefusal.NoLabel => "without a label",
        OutcomeRefusal.InvalidLabel => "with a label that is NaN, infinite, or (PredictionKind Number) text that is not a number",
        _ => "failed unexpectedly",
    };
}
