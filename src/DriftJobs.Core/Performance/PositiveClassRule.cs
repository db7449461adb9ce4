namespace DriftJobs.Core.Performance;

/// <summary>
/// The class a binary model's <c>prediction_score</c> is the probability of. Declared (POSITIVE_CLASS) it is taken as
/// given; undeclared, "1" or else "true" when it is one of exactly two classes, the conventions of 0/1 and bool
/// labels. Anything else (two text classes such as "churn"/"stay", or more than two classes) has no positive class:
/// its scores cannot be read and only the macro metrics apply.
/// </summary>
internal static class PositiveClassRule
{
    public static readonly IReadOnlyList<string> Conventional = ["1", "true"];

    /// <param name="classes">The union of labels and predictions seen.</param>
    /// <param name="declared">The configured positive class, or null.</param>
    public static string? Choose(IReadOnlyCollection<string> classes, string? declared)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (declared is not null)
        {
            return declared;
        }

        return classes.Count == 2 ? Conventional.FirstOrDefault(classes.Contains) : null;
    }
}
