using DriftJobs.Testing;

namespace DriftJobs.InferenceLogger.Tests;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<LoggerAzuriteFixture>
{
    public const string Name = "Azurite";
}
