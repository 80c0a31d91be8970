using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DouyinEtl.Sandbox;

namespace DouyinEtl.UnitTests.Sandbox;

/// <summary>The sandbox must behave like TikHub where the worker depends on it: auth, validation shape, rate limit, envelope.</summary>
public sealed class SandboxContractTests
{
    private const string ItemList = "/api/v1/douyin/creator_v2/fetch_item_list";

    [Fact]
    public async Task MissingOrWrongKey_Is401WithDetail()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Accounts = 1, ItemsPerAccount = 5 });
        using var http = new HttpClient { BaseAddress = new Uri(sandbox.BaseUrl) };

        var response = await http.PostAsJsonAsync(ItemList, new { cookie = "x", start_time = 0, end_time = 1 });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(401, (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task InvalidBody_Is422WithFastApiDetailList()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Accounts = 1, ItemsPerAccount = 5 });
        using var http = Client(sandbox);

        var response = await http.PostAsJsonAsync(ItemList, new { start_time = "soon", count = 101 });

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.AsArray();
        Assert.Contains(detail, e => e!["loc"]![1]!.GetValue<string>() == "cookie" && e["type"]!.GetValue<string>() == "missing");
        Assert.Contains(detail, e => e!["loc"]![1]!.GetValue<string>() == "start_time" && e["type"]!.GetValue<string>() == "int_parsing");
        Assert.Contains(detail, e => e!["loc"]![1]!.GetValue<string>() == "end_time" && e["msg"]!.GetValue<string>() == "Field required");
        Assert.Contains(detail, e => e!["loc"]![1]!.GetValue<string>() == "count" && e["type"]!.GetValue<string>() == "less_than_equal");
    }

    [Fact]
    public async Task OverTheRateLimit_Is429WithRetryAfter()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Accounts = 1, ItemsPerAccount = 5, RequestsPerSecondPerKey = 2, RequestsPerSecondPerEndpoint = 2 });
        using var http = Client(sandbox);
        var cookie = sandbox.World.Accounts[0].Cookie;

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? throttled = null;
        for (var i = 0; i < 5; i++)
        {
            var response = await http.PostAsJsonAsync(ItemList, new { cookie, start_time = 0, end_time = 1 });
            statuses.Add(response.StatusCode);
            throttled ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.NotNull(throttled);
        Assert.True(throttled.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(statuses.Count(s => s == HttpStatusCode.TooManyRequests), sandbox.Calls.Snapshot()["fetch_item_list"].Throttled);
    }

    [Fact]
    public async Task Success_IsTikHubsEnvelopeEchoingParams_AndCountsAsBilled()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Accounts = 1, ItemsPerAccount = 5, Variant = PayloadVariant.Documented, FixedNow = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero) });
        using var http = Client(sandbox);

        var response = await http.PostAsJsonAsync(ItemList, new { cookie = sandbox.World.Accounts[0].Cookie, start_time = 0, end_time = long.MaxValue / 2, count = 100 });

        var envelope = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(200, envelope["code"]!.GetValue<int>());
        Assert.Equal("/api/v1/douyin/creator_v2/fetch_item_list", envelope["router"]!.GetValue<string>());
        Assert.NotNull(envelope["params"]!["cookie"]);
        Assert.Equal(sandbox.World.VisibleItems("creator-01", sandbox.State.Clock.GetUtcNow()).Count(), envelope["data"]!["items"]!.AsArray().Count);
        Assert.Equal(1, sandbox.Calls.TotalBilled);
    }

    [Fact]
    public async Task UnknownCookie_IsInnerStatus8()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Accounts = 1, ItemsPerAccount = 5 });
        using var http = Client(sandbox);

        var envelope = await (await http.PostAsJsonAsync(ItemList, new { cookie = "sessionid=stale", start_time = 0, end_time = 1 })).Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(8, envelope!["data"]!["status_code"]!.GetValue<int>());
    }

    [Fact]
    public void World_IsTheSameForTheSameSeedSizeAndAnchor_AndHoldsIdsBeyondDoublePrecision()
    {
        var now = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        var anchor = DouyinEtl.Sandbox.World.ShanghaiClock.Day(now);
        var a = new DouyinEtl.Sandbox.World.SandboxWorld(new SandboxOptions { Seed = 9, Accounts = 2, ItemsPerAccount = 50 }, anchor);
        var b = new DouyinEtl.Sandbox.World.SandboxWorld(new SandboxOptions { Seed = 9, Accounts = 2, ItemsPerAccount = 50 }, anchor);

        Assert.Equal(a.AllVisibleItems(now).Select(i => (i.Id, i.Title, i.PublishTime)), b.AllVisibleItems(now).Select(i => (i.Id, i.Title, i.PublishTime)));
        Assert.All(a.AllVisibleItems(now), i => Assert.True(long.Parse(i.Id, System.Globalization.CultureInfo.InvariantCulture) > (1L << 53)));
    }

    [Theory]
    [InlineData("2027-03-01T01:30:00+08:00")] // the 1st in Beijing, still Feb 28 in UTC
    [InlineData("2028-02-29T12:00:00+08:00")]
    [InlineData("2027-12-31T23:30:00+00:00")] // New Year's morning in Beijing
    public void SandboxStartedAtAnyInstant_PublishedItsHistoryInTheTwoYearsBeforeItsBeijingDay(string startedAt)
    {
        var now = DateTimeOffset.Parse(startedAt, System.Globalization.CultureInfo.InvariantCulture);
        var options = new SandboxOptions { Seed = 9, Accounts = 2, ItemsPerAccount = 300, FixedNow = now };
        var world = new DouyinEtl.Sandbox.Hosting.SandboxState(options, TimeProvider.System).World;
        var today = DouyinEtl.Sandbox.World.ShanghaiClock.Day(now);

        var days = world.AllVisibleItems(now).Select(i => DouyinEtl.Sandbox.World.ShanghaiClock.Day(i.PublishTime)).ToList();

        Assert.Equal(today, world.AnchorDay);
        Assert.InRange(days.Count, 2 * 300 * 9 / 10, 2 * 300 * 11 / 10);
        Assert.All(days, day => Assert.InRange(day, today.AddDays(-options.HistoryDays), today));
    }

    private static HttpClient Client(SandboxServer sandbox)
    {
        var http = new HttpClient { BaseAddress = new Uri(sandbox.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", sandbox.Options.ApiKey);
        return http;
    }
}
