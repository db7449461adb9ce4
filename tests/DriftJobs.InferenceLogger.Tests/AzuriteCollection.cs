using DriftJobs.Testing;

namespace DriftJobs.InferenceLogger.Tests;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
