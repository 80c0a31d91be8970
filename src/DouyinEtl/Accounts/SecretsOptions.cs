using DouyinEtl.Configuration;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Accounts;

/// <summary>
/// Settings under <c>Secrets</c>: where the secrets directory is, and the key that encrypts the cookies of accounts
/// managed in the warehouse. Both keys come from the environment or a secret file, never from appsettings.json.
/// </summary>
internal sealed class SecretsOptions
{
    public const string Section = "Secrets";

    public const string DirectoryKey = Section + ":" + nameof(Directory);

    /// <summary>Read before binding (<see cref="Hosting.WorkerHost.SecretsDirectoryKey"/>); listed so every key under Secrets is known.</summary>
    public string? Directory { get; set; }

    /// <summary>
    /// The key that encrypts managed accounts' cookies: 32 random bytes, base64 (<c>openssl rand -base64 32</c>). Needed
    /// only when accounts are managed in the warehouse; configuration accounts carry their cookie themselves.
    /// </summary>
    public string? AccountKey { get; set; }

    /// <summary>Keys cookies may still be encrypted with after a rotation, comma-separated, until <c>accounts rekey</c> has run.</summary>
    public string? PreviousAccountKeys { get; set; }
}

/// <summary>Each key must be base64 of exactly 32 bytes; messages name the setting, never the value.</summary>
internal sealed class SecretsOptionsValidator : IValidateOptions<SecretsOptions>
{
    public ValidateOptionsResult Validate(string? name, SecretsOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.AccountKey) && AccountKeyRing.KeyProblem(options.AccountKey) is { } problem)
        {
            failures.Add($"Secrets:AccountKey {problem}");
        }

        var previous = AccountKeyRing.SplitKeys(options.PreviousAccountKeys);
        for (var i = 0; i < previous.Count; i++)
        {
            if (AccountKeyRing.KeyProblem(previous[i]) is { } wrong)
            {
                failures.Add($"Secrets:PreviousAccountKeys (key {i + 1} of {previous.Count}) {wrong}");
            }
        }

        if (previous.Count > 0 && string.IsNullOrWhiteSpace(options.AccountKey))
        {
            failures.Add("Secrets:PreviousAccountKeys is set but Secrets:AccountKey is not: set the new key as Secrets:AccountKey, then run `douyin-etl accounts rekey`.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// A managed account's cookie cannot be used (no key, a key this process does not have, a ciphertext that does not
/// open) or an id is in both sources: a configuration fault, exit code 64, that a run cannot go on with.
/// </summary>
internal sealed class AccountSourceException(string message) : ConfigurationException(message);
