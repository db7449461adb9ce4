using System.Globalization;
using System.Text;
using DriftJobs.Core.Profiles;
using DuckDB.NET.Data;

namespace DriftJobs.Benchmarks.Detector;

/// <summary>
/// DuckDB doing the detector's counting on the same local files: per numeric feature <c>histogram(x, edges)</c>
/// over the baseline's PSI edges and over its KS reference points, per categorical feature <c>histogram(c)</c>,
/// all in one scan with the same model filter; and its plain scan (a sum over every column the detector reads).
/// </summary>
internal static class DuckDbWork
{
    /// <summary>Counts per numeric feature (PSI bins and KS buckets, in boundary order) and categorical totals.</summary>
    public sealed record Histograms(long Rows, Dictionary<string, long[]> PsiBins, Dictionary<string, long[]> KsBuckets, Dictionary<string, long> CategoricalValues);

    public static string HistogramQuery(string files, BaselineProfile baseline)
    {
        var sql = new StringBuilder("SELECT count(*)");
        foreach (var feature in baseline.MonitoredFeatures)
        {
            if (feature.Kind == FeatureKind.Numeric)
            {
                var numeric = feature.Numeric!;
                sql.Append(CultureInfo.InvariantCulture, $",\n  map_values(histogram({feature.Name}, {List(numeric.PsiBins.Edges)}))");
                sql.Append(CultureInfo.InvariantCulture, $",\n  map_values(histogram({feature.Name}, {List(numeric.KsReference.Values)}))");
            }
            else
            {
                sql.Append(CultureInfo.InvariantCulture, $",\n  list_sum(map_values(histogram({feature.Name})))");
            }
        }

        sql.Append(CultureInfo.InvariantCulture, $"\nFROM read_parquet('{files}')\nWHERE {Filter}");
        return sql.ToString();
    }

    public static string ScanQuery(string files, BaselineProfile baseline)
    {
        var columns = baseline.MonitoredFeatures.Select(f => f.Kind == FeatureKind.Numeric ? $"sum({f.Name})" : $"sum(length({f.Name}))");
        return $"SELECT count(*), {string.Join(", ", columns)}\nFROM read_parquet('{files}')\nWHERE {Filter}";
    }

    public static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SET threads = {Environment.ProcessorCount}";
        command.ExecuteNonQuery();
        return connection;
    }

    public static Histograms RunHistograms(DuckDBConnection connection, string sql, BaselineProfile baseline)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException("DuckDB returned no row.");
        }

        var result = new Histograms(ToLong(reader.GetValue(0)), [], [], []);
        var column = 1;
        foreach (var feature in baseline.MonitoredFeatures)
        {
            if (feature.Kind == FeatureKind.Numeric)
            {
                result.PsiBins[feature.Name] = Counts(reader.GetValue(column++));
                result.KsBuckets[feature.Name] = Counts(reader.GetValue(column++));
            }
            else
            {
                result.CategoricalValues[feature.Name] = reader.IsDBNull(column) ? 0 : ToLong(reader.GetValue(column));
                column++;
            }
        }

        return result;
    }

    public static long RunScan(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException("DuckDB returned no row.");
        }

        // Touch every aggregate so nothing is left unevaluated.
        for (var i = 1; i < reader.FieldCount; i++)
        {
            _ = reader.GetValue(i);
        }

        return ToLong(reader.GetValue(0));
    }

    /// <summary>
    /// Disagreements between DuckDB's counts and the engine's: PSI bins must match BinCounts exactly; DuckDB's bucket
    /// for KS point j (values in (p[j-1], p[j]]) must equal GapCounts[j] + EqualCounts[j], and its extra last bucket
    /// the values above every point.
    /// </summary>
    public static List<string> Compare(Histograms duck, WindowProfile window)
    {
        var problems = new List<string>();
        foreach (var (name, feature) in window.Features)
        {
            if (feature is NumericWindow numeric)
            {
                if (!SameCounts(duck.PsiBins[name], numeric.BinCounts))
                {
                    problems.Add($"{name}: PSI bins differ");
                }

                var k = numeric.EqualCounts.Length;
                var expected = new long[k + 1];
                for (var j = 0; j < k; j++)
                {
                    expected[j] = numeric.GapCounts[j] + numeric.EqualCounts[j];
                }

                expected[k] = numeric.GapCounts[k];
                if (!SameCounts(duck.KsBuckets[name], expected))
                {
                    problems.Add($"{name}: KS buckets differ");
                }
            }
            else if (feature is CategoricalWindow categorical && duck.CategoricalValues[name] != categorical.Valid)
            {
                problems.Add($"{name}: {duck.CategoricalValues[name]} values, engine {categorical.Valid}");
            }
        }

        return problems;
    }

    // DuckDB leaves out empty buckets at the end; compare with those as zeros.
    private static bool SameCounts(long[] duck, long[] engine)
    {
        var n = Math.Max(duck.Length, engine.Length);
        for (var i = 0; i < n; i++)
        {
            if ((i < duck.Length ? duck[i] : 0) != (i < engine.Length ? engine[i] : 0))
            {
                return false;
            }
        }

        return true;
    }

    private const string Filter = $"model_name = '{BenchData.ModelName}' AND model_version = '{BenchData.ModelVersion}'";

    // Boundaries as DOUBLE literals (E notation) so DuckDB parses them exactly, not via DECIMAL.
    private static string List(IReadOnlyList<double> values) =>
        "[" + string.Join(", ", values.Select(v => v.ToString("E16", CultureInfo.InvariantCulture))) + "]::DOUBLE[]";

    // DuckDB sums of UBIGINT come back as HUGEINT (BigInteger).
    private static long ToLong(object value) =>
        value is System.Numerics.BigInteger big ? (long)big : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static long[] Counts(object value) => value switch
    {
        System.Collections.IEnumerable list => [.. list.Cast<object>().Select(ToLong)],
        DBNull => [],
        _ => throw new InvalidOperationException($"Unexpected histogram value {value.GetType()}."),
    };
}
