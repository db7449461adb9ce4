namespace DriftJobs.Cli.Simulation;

/// <summary>
/// One synthetic prediction request: features (number or string, null when missing), the true label the world gives
/// it, and the model's prediction and calibrated score (its probability of <see cref="SyntheticModel.Positive"/>).
/// </summary>
internal sealed record SyntheticRow(IReadOnlyDictionary<string, object?> Features, string Label, string Prediction, double Score);

/// <summary>
/// A fictional card-fraud model with numeric and categorical features whose production data can be made to
/// drift in the ways <see cref="Scenario"/> names. Deterministic for a seed.
/// The world labels a row by a logistic decision function of its features (<see cref="Row"/>); the model learned
/// that function exactly from the training set, so its score is the true probability of fraud (calibrated) as long
/// as the concept holds, and it predicts fraud from a score of 0.5 (accuracy about 0.93). Under
/// <see cref="Scenario.ConceptDrift"/> the world's function changes and the model's does not (about 0.72).
/// </summary>
internal sealed class SyntheticModel(Scenario scenario, int seed)
{
    public const string DefaultName = "fraud-detector";
    public const string DefaultVersion = "1";
    public const string Label = "is_fraud";
    public const string Positive = "fraud";
    public const string Negative = "legit";

    public static IReadOnlyList<string> NumericFeatures { get; } = ["amount", "account_age_days", "transactions_24h", "distance_km", "session_seconds", "risk_score"];

    public static IReadOnlyList<string> CategoricalFeatures { get; } = ["merchant_category", "device_type", "payment_method", "country"];

    private static readonly string[] Merchants = ["grocery", "electronics", "travel", "restaurants", "fuel", "fashion", "gaming", "pharmacy"];
    private static readonly double[] MerchantWeights = [0.25, 0.12, 0.08, 0.18, 0.12, 0.1, 0.07, 0.08];
    private static readonly double[] ShiftedMerchantWeights = [0.1, 0.25, 0.2, 0.1, 0.05, 0.1, 0.1, 0.1];
    private static readonly string[] Devices = ["mobile", "desktop", "tablet"];
    private static readonly double[] DeviceWeights = [0.6, 0.3, 0.1];
    private static readonly double[] ShiftedDeviceWeights = [0.3, 0.5, 0.2];
    private static readonly string[] Payments = ["card", "wallet", "bank_transfer", "bnpl"];
    private static readonly double[] PaymentWeights = [0.55, 0.25, 0.12, 0.08];
    private static readonly string[] Countries = ["DE", "FR", "NL", "ES", "IT"];
    private static readonly double[] CountryWeights = [0.35, 0.25, 0.15, 0.15, 0.1];

    private readonly Random _random = new(seed);

    /// <summary>Features present in production logs (schema-change drops one).</summary>
    public IEnumerable<string> ProductionFeatures =>
        NumericFeatures.Concat(CategoricalFeatures).Where(f => !(scenario == Scenario.SchemaChange && f == "distance_km"));

    public SyntheticRow Training() => Row(production: false, conceptDrifted: false);

    /// <summary>A production row; <paramref name="conceptDrifted"/> applies the concept-drift scenario's new labels.</summary>
    public SyntheticRow Production(bool conceptDrifted = false) => Row(production: true, conceptDrifted && scenario == Scenario.ConceptDrift);

    private SyntheticRow Row(bool production, bool conceptDrifted)
    {
        var shiftNumeric = production && scenario == Scenario.CovariateShift;
        var shiftCategories = production && scenario == Scenario.CategoricalShift;
        var amount = Math.Exp(Normal(shiftNumeric ? 4.0 : 3.5, shiftNumeric ? 1.1 : 0.9));
        var ageMissingRate = production && scenario == Scenario.MissingValues ? 0.4 : 0.01;
        double? accountAge = _random.NextDouble() < ageMissingRate ? null : Math.Round(-Math.Log(1 - _random.NextDouble()) * 700);
        var transactions = Poisson(3);
        var distance = -Math.Log(1 - _random.NextDouble()) * (shiftNumeric ? 60 : 25);
        var session = Normal(shiftNumeric ? 420 : 300, shiftNumeric ? 150 : 90);
        var risk = Beta2(2, 5);
        var merchant = shiftCategories && _random.NextDouble() < 0.1 ? "crypto" : Pick(Merchants, shiftCategories ? ShiftedMerchantWeights : MerchantWeights);
        var device = Pick(Devices, shiftCategories ? ShiftedDeviceWeights : DeviceWeights);

        // Standardised terms (training means and deviations) so the coefficients read as effect sizes. The
        // far-from-home term (distance_km) carries most of the signal: concept drift moves exactly that term to
        // short, scripted checkouts (session_seconds), whose distribution does not change.
        var common = -3.5 + (1.2 * (Math.Log(amount) - 3.5) / 0.9) + (1.2 * (risk - 0.2857) / 0.16) - (0.5 * ((accountAge ?? 700) - 700) / 700);
        var learned = common + (3.5 * (distance - 25) / 25);
        var truth = conceptDrifted ? common + (3.5 * (300 - session) / 90) : learned;
        var score = Math.Round(Sigmoid(learned), 4);
        var features = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["amount"] = Math.Round(amount, 2),
            ["account_age_days"] = accountAge,
            ["transactions_24h"] = (double)transactions,
            ["distance_km"] = Math.Round(distance, 3),
            ["session_seconds"] = Math.Round(session, 1),
            ["risk_score"] = Math.Round(risk, 4),
            ["merchant_category"] = merchant,
            ["device_type"] = device,
            ["payment_method"] = Pick(Payments, PaymentWeights),
            ["country"] = Pick(Countries, CountryWeights),
        };
        if (production && scenario == Scenario.SchemaChange)
        {
            features.Remove("distance_km");
        }

        // One uniform per row, as before the labels had a truth of their own: a seed draws the same features.
        var label = _random.NextDouble() < Sigmoid(truth) ? Positive : Negative;
        return new SyntheticRow(features, label, score >= 0.5 ? Positive : Negative, score);
    }

    private static double Sigmoid(double logit) => 1 / (1 + Math.Exp(-logit));

    private double Normal(double mean, double std) =>
        mean + (std * Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble()));

    private int Poisson(double lambda)
    {
        var limit = Math.Exp(-lambda);
        var k = 0;
        for (var p = _random.NextDouble(); p > limit; p *= _random.NextDouble())
        {
            k++;
        }

        return k;
    }

    /// <summary>Beta(a, b) for integer a, b as an order statistic of uniforms.</summary>
    private double Beta2(int a, int b)
    {
        var u = new double[a + b - 1];
        for (var i = 0; i < u.Length; i++)
        {
            u[i] = _random.NextDouble();
        }

        Array.Sort(u);
        return u[a - 1];
    }

    private string Pick(string[] values, double[] weights)
    {
        var u = _random.NextDouble();
        for (var i = 0; i < values.Length; i++)
        {
            if ((u -= weights[i]) < 0)
            {
                return values[i];
            }
        }

        return values[^1];
    }
}
