using System.Diagnostics;
using System.Globalization;

namespace DouyinEtl.Testing;

/// <summary>
/// Settings as arguments of the real command line, passed the way an operator must: the TikHub key and the cookies as
/// files of a secrets directory (<c>--set Secrets:Directory=…</c>; <c>--set</c> refuses secrets), the rest as <c>--set Key=Value</c>.
/// </summary>
internal static class CliArguments
{
    private const string Prefix = "douyin-etl-test-secrets-";

    /// <summary>This test process's folder of secrets directories, removed at exit or, if the host was killed, by the next run.</summary>
    private static readonly Lazy<string> Root = new(() =>
    {
        foreach (var left in Directory.GetDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(left)[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !Alive(pid))
            {
                Directory.Delete(left, recursive: true);
            }
        }

        var root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), Prefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture))).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        return root;
    });

    public static string[] From(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Root.Value, Guid.NewGuid().ToString("N")[..12])).FullName;
        var args = new List<string> { "--set", $"Secrets:Directory={directory}" };
        foreach (var (key, value) in settings)
        {
            if (IsSecret(key))
            {
                File.WriteAllText(Path.Combine(directory, key.Replace(":", "__", StringComparison.Ordinal)), value);
            }
            else
            {
                args.AddRange(["--set", $"{key}={value}"]);
            }
        }

        return [.. args];
    }

    private static bool IsSecret(string key) =>
        key.Split(':') is ["TikHub", "ApiKey"] or ["Accounts", _, "Cookie"];

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
