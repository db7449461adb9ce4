namespace DriftJobs.InferenceLogger;

/// <summary>The kind of a logged column: every feature and the prediction is either a number or a string.</summary>
public enum ValueKind
{
    /// <summary>A floating-point number, stored as a nullable Parquet <c>DOUBLE</c> column.</summary>
    Number = 1,

    /// <summary>A string (a category, an identifier), stored as a nullable Parquet UTF-8 string column.</summary>
    String = 2,
}
