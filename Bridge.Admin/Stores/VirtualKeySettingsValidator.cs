using Bridge.Gateway.State;

namespace Bridge.Admin.Stores;

/// <summary>Checks settings before anything is written; the first problem is thrown, naming its field.</summary>
public static class VirtualKeySettingsValidator
{
    private const int MaxText = 200;

    /// <exception cref="FieldValidationException">naming the first invalid field.</exception>
    public static VirtualKeySettings Normalize(VirtualKeySettings settings)
    {
        var name = Text(settings.Name, "name");
        var owner = Text(settings.Owner, "owner");
        var models = new List<string>();
        foreach (var model in settings.Models)
        {
            var trimmed = model?.Trim() ?? "";
            if (trimmed.Length == 0 || trimmed.Length > MaxText || trimmed.Any(char.IsWhiteSpace))
            {
                throw new FieldValidationException("models", "models: each entry must be a model name or pattern (e.g. 'gpt-*') without spaces.");
            }
            if (!models.Contains(trimmed, StringComparer.Ordinal)) models.Add(trimmed);
        }
        foreach (var (alias, target) in settings.Aliases)
        {
            if (string.IsNullOrWhiteSpace(alias) || string.IsNullOrWhiteSpace(target) || alias.Length > MaxText || target.Length > MaxText)
            {
                throw new FieldValidationException("aliases", "aliases: every alias and target must be a non-empty model name.");
            }
        }
        if (settings.MaxBudgetUsd is < 0 or > BudgetMicros.MaxBudgetUsd) throw new FieldValidationException("max_budget", BudgetRange("max_budget"));
        var duration = string.IsNullOrWhiteSpace(settings.BudgetDuration) ? null : settings.BudgetDuration.Trim();
        if (!BudgetPeriods.IsValid(duration))
        {
            throw new FieldValidationException("budget_duration", "budget_duration: use a number and a unit, e.g. '1d', '7d', '30d' or '1mo'.");
        }
        Positive(settings.RpmLimit, "rpm_limit");
        Positive(settings.TpmLimit, "tpm_limit");
        Positive(settings.MaxParallelRequests, "max_parallel_requests");
        if (settings.Metadata.Count > 50) throw new FieldValidationException("metadata", "metadata: at most 50 entries.");
        return settings with { Name = name, Owner = owner, Models = models, BudgetDuration = duration };
    }

    /// <summary>The message for a budget out of range (shared with the API, which names its own field).</summary>
    public static string BudgetRange(string field) =>
        $"{field}: must be between 0 and {BudgetMicros.MaxBudgetUsd:0} (US dollars), or empty for no budget.";

    private static string? Text(string? value, string field)
    {
        var trimmed = value?.Trim();
        if (trimmed is { Length: > MaxText }) throw new FieldValidationException(field, $"{field}: at most {MaxText} characters.");
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }

    private static void Positive(int? value, string field)
    {
        if (value is <= 0) throw new FieldValidationException(field, $"{field}: must be a whole number above zero, or empty for no limit.");
    }
}
