using DouyinEtl.Configuration;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Tests.Accounts;

/// <summary>A cookie added or replaced after the process started is masked like a configured one wherever it is echoed.</summary>
public sealed class ManagedCookieMaskingTests
{
    [Fact]
    public async Task ACookieLoadedAfterStart_IsMaskedByTheScrubberBuiltBeforeIt()
    {
        await using var rig = await ManagedAccountsRig.StartAsync(s => s.Accounts = 1);
        using var host = rig.Harness.BuildHost();
        await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
        var scrubber = host.Services.GetRequiredService<SecretScrubber>();
        var registry = host.Services.GetRequiredService<AccountRegistry>();
        var cookie = rig.Harness.Sandbox.World.Accounts[0].Cookie;
        var value = cookie.Split(';')[0].Split('=')[1];
        Assert.Equal($"echo: {value}", scrubber.Scrub($"echo: {value}"));

        Assert.Equal(0, await rig.InvokeAsync("accounts", "add", "creator-01", "--cookie-file", rig.CookieFileOf("creator-01")));
        await registry.LoadAsync(CancellationToken.None);

        Assert.Equal($"echo: {SecretScrubber.Mask}", scrubber.Scrub($"echo: {value}"));
        Assert.Equal($"error near {SecretScrubber.Mask}.", scrubber.Scrub($"error near {cookie}."));

        // Replaced: the old cookie stays masked for the runs that started with it; the new one is masked at once.
        var replacement = "sessionid=" + new string('7', 32) + "; sid_tt=" + new string('8', 32);
        Assert.Equal(0, await rig.InvokeAsync("accounts", "set-cookie", "creator-01", "--cookie-file", rig.File(replacement)));
        await registry.LoadAsync(CancellationToken.None);
        Assert.Equal($"{SecretScrubber.Mask} {SecretScrubber.Mask}", scrubber.Scrub($"{cookie} {replacement}"));
    }
}
