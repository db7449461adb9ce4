namespace DriftJobs.Cli.Simulation;

/// <summary>What happens to the production data of the synthetic model.</summary>
internal enum Scenario
{
    /// <summary>Production looks like training.</summary>
    None,

    /// <summary>amount, distance_km and session_seconds move (means and variances).</summary>
    CovariateShift,

    /// <summary>The merchant_category and device_type mix changes and a new merchant category appears.</summary>
    CategoricalShift,

    /// <summary>account_age_days goes missing in 40 % of rows (1 % in training).</summary>
    MissingValues,

    /// <summary>distance_km disappears from the logs.</summary>
    SchemaChange,

    /// <summary>
    /// From a third of the way into the hours, fraud no longer follows distance_km but short session_seconds:
    /// the features keep their training distribution, the model's accuracy drops.
    /// </summary>
    ConceptDrift,
}

internal static class Scenarios
{
    public static IReadOnlyList<string> Names { get; } = ["none", "covariate-shift", "categorical-shift", "missing-values", "schema-change", "concept-drift"];

    public static Scenario Parse(string name) => name switch
    {
        "none" => Scenario.None,
        "covariate-shift" => Scenario.CovariateShift,
        "categorical-shift" => Scenario.CategoricalShift,
        "missing-values" => Scenario.MissingValues,
        "schema-change" => Scenario.SchemaChange,
        "concept-drift" => Scenario.ConceptDrift,
        _ => throw new ArgumentException($"Unknown scenario '{name}'. Scenarios: {string.Join(", ", Names)}.", nameof(name)),
    };
}
