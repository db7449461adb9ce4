using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// The configuration binder silently skips a dictionary entry whose value does not convert, so a feature declared
/// as <c>Features:age = Numeric</c> would simply vanish from the schema. This reads the raw section and names it.
/// </summary>
internal sealed class FeatureKindConfigurationValidator(IConfiguration configuration) : IValidateOptions<InferenceLoggerOptions>
{
    public ValidateOptionsResult Validate(string? name, InferenceLoggerOptions options)
    {
        var errors = new List<string>();
        AddErrors(configuration.GetSection($"{InferenceLoggerOptions.SectionName}:{nameof(InferenceLoggerOptions.Features)}"), errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void AddErrors(IConfigurationSection features, List<string> errors)
    {
        foreach (var feature in features.GetChildren())
        {
            if (feature.Value is null || !Enum.TryParse<ValueKind>(feature.Value, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
            {
                errors.Add($"{feature.Path} has kind '{feature.Value}': use Number or String.");
            }
        }
    }
}
