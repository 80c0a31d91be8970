using System.Diagnostics;
using System.Text.RegularExpressions;
using DouyinEtl.Runs;

namespace DouyinEtl.Tests.Deploy;

/// <summary>
/// The alert rules shipped in deploy/prometheus/ through Prometheus's own checker and unit tests (promtool, Debian's
/// <c>prometheus</c> package, which .ci/run installs). Without promtool these tests fail: they never skip.
/// </summary>
public sealed partial class PrometheusRulesTests
{
    private static readonly string Rules = PrometheusRules.Path;

    private static readonly string RuleTests = Repository.PathOf("deploy", "prometheus", "douyin-etl.rules.test.yml");

    [Fact]
    public async Task Rules_PassPromtoolCheck()
    {
        var (exitCode, output) = await PromtoolAsync("check", "rules", Rules);

        Assert.True(exitCode == 0, "promtool check rules: " + output);
        Assert.Contains("SUCCESS: 7 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_PassTheirPromtoolUnitTests_ForEveryAlert()
    {
        var (exitCode, output) = await PromtoolAsync("test", "rules", RuleTests);

        Assert.True(exitCode == 0, "promtool test rules: " + output);
        var tests = await File.ReadAllTextAsync(RuleTests);
        foreach (var alert in AlertNames())
        {
            Assert.Contains($"alertname: {alert}\n        exp_alerts:\n          - exp_labels:", tests, StringComparison.Ordinal);
        }
    }

    private static IEnumerable<string> AlertNames() =>
        Regex.Matches(File.ReadAllText(Rules), @"- alert: (\w+)").Select(m => m.Groups[1].Value);

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] args)
    {
        var promtool = new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists);
        if (promtool is null)
        {
            Assert.Fail("promtool is missing: install Prometheus's tools (Debian: apt-get install prometheus), as .ci/run does.");
        }

        using var process = Process.Start(new ProcessStartInfo(promtool, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Rules)!,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
