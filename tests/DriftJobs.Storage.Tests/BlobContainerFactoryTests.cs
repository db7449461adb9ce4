using Azure.Core;
using DriftJobs.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DriftJobs.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class BlobContainerFactoryTests(AzuriteFixture azurite)
{
    private const string SecretKey = "c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs=";

    [Fact]
    public void Neither_setting_is_a_configuration_error_naming_both()
    {
        var error = Assert.Throws<StorageConfigurationException>(() => BlobContainerFactory.Create(new StorageOptions()));
        Assert.Contains(StorageOptions.ConnectionStringSetting, error.Message, StringComparison.Ordinal);
        Assert.Contains(StorageOptions.AccountUrlSetting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_settings_at_once_is_an_error()
    {
        var options = new StorageOptions { ConnectionString = azurite.ConnectionString, AccountUrl = "https://acct.blob.core.windows.net" };
        var error = Assert.Throws<StorageConfigurationException>(() => BlobContainerFactory.Create(options));
        Assert.Contains("only one", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AccountName=acct;AccountKey=" + SecretKey + ";garbage")]
    [InlineData("DefaultEndpointsProtocol=https;AccountKey=" + SecretKey)]
    [InlineData(SecretKey)]
    public void A_malformed_connection_string_never_appears_in_the_error(string connectionString)
    {
        var error = Assert.Throws<StorageConfigurationException>(() => BlobContainerFactory.Create(new StorageOptions { ConnectionString = connectionString }));
        Assert.Contains(StorageOptions.ConnectionStringSetting, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, error.ToString(), StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }

    [Theory]
    [InlineData("http://acct.blob.core.windows.net")]
    [InlineData("acct.blob.core.windows.net")]
    [InlineData("https://acct.blob.core.windows.net/model-monitoring")]
    public void A_bad_account_url_names_the_setting(string url)
    {
        var error = Assert.Throws<StorageConfigurationException>(() => BlobContainerFactory.Create(new StorageOptions { AccountUrl = url }));
        Assert.Contains(StorageOptions.AccountUrlSetting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sas_token_in_the_account_url_is_rejected_without_echoing_it()
    {
        var url = "https://acct.blob.core.windows.net/?sv=2024&sig=" + SecretKey;
        var error = Assert.Throws<StorageConfigurationException>(() => BlobContainerFactory.Create(new StorageOptions { AccountUrl = url }));
        Assert.DoesNotContain(SecretKey, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_account_url_gives_a_token_authenticated_client_for_the_configured_container()
    {
        var container = BlobContainerFactory.Create(
            new StorageOptions { AccountUrl = "https://acct.blob.core.windows.net", Container = "monitoring" },
            new NeverCalledCredential());
        Assert.Equal(new Uri("https://acct.blob.core.windows.net/monitoring"), container.Uri);
        Assert.False(container.CanGenerateSasUri);
    }

    [Fact]
    public async Task A_connection_string_gives_a_working_client()
    {
        var name = "c" + Guid.NewGuid().ToString("N")[..12];
        var container = BlobContainerFactory.Create(new StorageOptions { ConnectionString = azurite.ConnectionString, Container = name });
        await container.CreateAsync();
        await container.UploadBlobAsync("x.json", BinaryData.FromString("{}"));
        Assert.Equal(name, container.Name);
        Assert.True((await container.GetBlobClient("x.json").ExistsAsync()).Value);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Model-Monitoring")]
    [InlineData("model--monitoring")]
    [InlineData("-model")]
    [InlineData("model_monitoring")]
    public void Invalid_container_names_name_the_setting(string container)
    {
        var error = Assert.Throws<StorageConfigurationException>(
            () => BlobContainerFactory.Create(new StorageOptions { ConnectionString = azurite.ConnectionString, Container = container }));
        Assert.Contains(StorageOptions.ContainerSetting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_bind_from_environment_style_keys_and_fail_validation_at_resolution()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageOptions.ContainerSetting] = "drift",
            [StorageOptions.LogsPrefixSetting] = "logs/prod",
            [StorageOptions.ConnectionStringSetting] = azurite.ConnectionString,
        }).Build();
        using var services = new ServiceCollection().AddDriftStorage(configuration).BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        Assert.Equal("drift", options.Container);
        Assert.Equal("drift", services.GetRequiredService<Azure.Storage.Blobs.BlobContainerClient>().Name);
        Assert.Equal("logs/prod/", services.GetRequiredService<StorageLayout>().LogsPrefix);

        var empty = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [StorageOptions.ContainerSetting] = "BAD" }).Build();
        using var invalid = new ServiceCollection().AddDriftStorage(empty).BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => invalid.GetRequiredService<IOptions<StorageOptions>>().Value);
        Assert.Contains(error.Failures, f => f.Contains(StorageOptions.ContainerSetting, StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains(StorageOptions.AccountUrlSetting, StringComparison.Ordinal));
    }

    private sealed class NeverCalledCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No request is expected.");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No request is expected.");
    }
}
