using DriftJobs.Core.Performance;

namespace DriftJobs.Detector.Performance;

/// <summary>
/// drift-reports/{model}/performance-state.json: the Page–Hinkley detector's state on the hourly error of one model
/// version, and the last hour it was fed, so each hour is fed once however often the window is evaluated. Fields:
/// docs/formats.md.
/// </summary>
internal sealed record PerformanceTrendDocument
{
    public const int CurrentSchemaVersion = 1;

    public required int SchemaVersion { get; init; }

    public required string ModelName { get; init; }

    public required string ModelVersion { get; init; }

    /// <summary>The newest hour fed; later hours are fed as they become the evaluated window's.</summary>
    public DateTimeOffset? LastHour { get; init; }

    public required PageHinkleyState PageHinkley { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
