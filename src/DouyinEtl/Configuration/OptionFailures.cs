using Microsoft.Extensions.Options;

namespace DouyinEtl.Configuration;

/// <summary>
/// What an options validator found wrong in its configuration section, with the checks the sections share said once
/// ("<c>LiveRooms:Limit must be between 1 and 400 (TikHub's maximum), got 500.</c>").
/// </summary>
internal sealed class OptionFailures(string section)
{
    private readonly List<string> _failures = [];

    public ValidateOptionsResult Result => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);

    public void Add(string failure) => _failures.Add(failure);

    /// <summary><paramref name="value"/> within <paramref name="min"/>..<paramref name="max"/>; <paramref name="why"/> explains the bound.</summary>
    public void Between(string key, int value, int min, int max, string? why = null)
    {
        if (value < min || value > max)
        {
            _failures.Add($"{section}:{key} must be between {min} and {max}{(why is null ? "" : $" ({why})")}, got {value}.");
        }
    }

    public void Between(string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            _failures.Add($"{section}:{key} must be between {min} and {max}, got {value}.");
        }
    }

    public void NotNegative(string key, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            _failures.Add($"{section}:{key} must not be negative, got {value}.");
        }
    }
}
