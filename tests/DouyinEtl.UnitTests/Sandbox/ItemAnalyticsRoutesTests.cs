using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.World;

namespace DouyinEtl.UnitTests.Sandbox;

/// <summary>The per-item routes behave like TikHub and the creator center where the worker depends on it.</summary>
public sealed class ItemAnalyticsRoutesTests
{
    private const string Prefix = "/api/v1/douyin/creator_v2/";
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Overview_TakesUpToTheMaximumIds_AndRefusesMoreWithAnInnerParameterError()
    {
        await using var sandbox = await StartAsync();
        using var http = Client(sandbox);
        var ids = sandbox.World.VisibleItems("creator-01", Now).Select(i => i.Id).Take(50).ToList();
        var cookie = sandbox.World.Accounts[0].Cookie;

        var full = await DataAsync(http, "fetch_item_overview_data", new { cookie, ids = string.Join(',', ids) });
        var tooMany = await DataAsync(http, "fetch_item_overview_data", new { cookie, ids = string.Join(',', ids.Append("7000000000000000001")) });

        Assert.Equal(50, full["items"]!.AsArray().Count);
        Assert.Equal(2, tooMany["status_code"]!.GetValue<int>());
        var calls = sandbox.Calls.Snapshot()["fetch_item_overview_data"];
        Assert.Equal(2, calls.Billed);
        Assert.Equal(50, calls.ItemIds);
    }

    [Fact]
    public async Task Overview_LeavesOutWorksTheAccountDoesNotHave_AndServesOnlyTheAskedSections()
    {
        await using var sandbox = await StartAsync();
        using var http = Client(sandbox);
        var own = sandbox.World.VisibleItems("creator-01", Now).First().Id;
        var others = sandbox.World.VisibleItems("creator-02", Now).First().Id;

        var data = await DataAsync(http, "fetch_item_overview_data", new { cookie = sandbox.World.Accounts[0].Cookie, ids = $"{own},{others}", fields = "metrics,review" });

        var item = Assert.Single(data["items"]!.AsArray())!.AsObject();
        Assert.Equal(own, item["id"]!.ToJsonString());
        Assert.Equal(["id", "type", "description", "create_time", "metrics", "review"], item.Select(p => p.Key));
    }

    [Fact]
    public async Task ItemIdAsANumber_Is422_AsPydanticGivesForAStringField()
    {
        await using var sandbox = await StartAsync();
        using var http = Client(sandbox);

        var response = await http.PostAsJsonAsync(Prefix + "fetch_item_play_source", new { cookie = sandbox.World.Accounts[0].Cookie, item_id = 7412345678901234567 });

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.AsArray())!;
        Assert.Equal("item_id", error["loc"]![1]!.GetValue<string>());
        Assert.Equal("string_type", error["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("fetch_item_play_source")]
    [InlineData("fetch_item_search_keyword")]
    [InlineData("fetch_item_watch_trend")]
    [InlineData("fetch_item_audience_portrait")]
    [InlineData("fetch_item_audience_others")]
    [InlineData("fetch_item_danmaku_analysis")]
    public async Task EveryItemRoute_AnswersUnknownWorksWithAnInnerError_AndFreshWorksWith10001(string endpoint)
    {
        await using var sandbox = await StartAsync();
        using var http = Client(sandbox);
        var cookie = sandbox.World.Accounts[0].Cookie;
        var fresh = sandbox.World.VisibleItems("creator-01", Now).First(i => sandbox.World.Analytics.NoDataYet(i, Now));
        var seasoned = sandbox.World.VisibleItems("creator-01", Now).First(i => i.DurationMs > 0 && !sandbox.World.Analytics.NoDataYet(i, Now));

        var unknown = await DataAsync(http, endpoint, new { cookie, item_id = "7000000000000000001" });
        var tooFewPlays = await DataAsync(http, endpoint, new { cookie, item_id = fresh.Id });
        var data = await DataAsync(http, endpoint, new { cookie, item_id = seasoned.Id });

        Assert.Equal(4, unknown["status_code"]!.GetValue<int>());
        Assert.Equal(10001, tooFewPlays["status_code"]!.GetValue<int>());
        Assert.Equal(0, data["status_code"]!.GetValue<int>());
    }

    [Fact]
    public async Task WatchTrend_RefusesAnalysisTypesOtherThan1_2_7()
    {
        await using var sandbox = await StartAsync();
        using var http = Client(sandbox);
        var item = sandbox.World.VisibleItems("creator-01", Now).First(i => i.DurationMs > 0 && !sandbox.World.Analytics.NoDataYet(i, Now));

        var refused = await DataAsync(http, "fetch_item_watch_trend", new { cookie = sandbox.World.Accounts[0].Cookie, item_id = item.Id, analysis_type = 3 });
        var retention = await DataAsync(http, "fetch_item_watch_trend", new { cookie = sandbox.World.Accounts[0].Cookie, item_id = item.Id });

        Assert.Equal(2, refused["status_code"]!.GetValue<int>());
        Assert.Equal(
            sandbox.World.Analytics.WatchTrend(item, Now, 1).CurrentItem.Select(p => ItemWatchTrendKey(p.Second)),
            retention["analysis_trend"]!["current_item"]!.AsArray().Select(p => p!["key"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TruthRoute_ServesEveryEndpointsTruthForAWork()
    {
        await using var sandbox = await StartAsync();
        using var http = Client(sandbox);
        var item = sandbox.World.VisibleItems("creator-01", Now).First(i => !sandbox.World.Analytics.NoDataYet(i, Now));

        var truth = await http.GetFromJsonAsync<JsonObject>($"/sandbox/truth/item-analytics?item_id={item.Id}");

        Assert.Equal(item.Id, truth!["item_id"]!.GetValue<string>());
        Assert.Equal(sandbox.World.Analytics.PlaySources(item, Now).Count, truth["play_source"]!.AsArray().Count);
        Assert.Equal(3, truth["watch_trend"]!.AsArray().Count);
        Assert.False(truth["no_data_yet"]!.GetValue<bool>());
    }

    [Fact]
    public void Truth_IsTheSameForTheSameSeedAndDay_AndMovesWithTheDay()
    {
        var a = new SandboxWorld(new SandboxOptions { Seed = 5, Accounts = 1, ItemsPerAccount = 80 }, ShanghaiClock.Day(Now));
        var b = new SandboxWorld(new SandboxOptions { Seed = 5, Accounts = 1, ItemsPerAccount = 80 }, ShanghaiClock.Day(Now));
        var item = a.VisibleItems("creator-01", Now).First(i => !a.Analytics.NoDataYet(i, Now.AddDays(-3)));

        Assert.Equal(a.Analytics.PlaySources(item, Now), b.Analytics.PlaySources(a.Analytics.Find(item.Id)!, Now));
        Assert.Equal(a.Analytics.Portrait(item, Now).Buckets, b.Analytics.Portrait(item, Now.AddHours(1)).Buckets);
        Assert.NotEqual(a.Analytics.PlaySources(item, Now), a.Analytics.PlaySources(item, Now.AddDays(-3)));
    }

    private static string ItemWatchTrendKey(int second) => DouyinEtl.Sandbox.Endpoints.WorkEndpoints.WatchTrendKey(second);

    private static async Task<JsonObject> DataAsync(HttpClient http, string endpoint, object body)
    {
        var response = await http.PostAsJsonAsync(Prefix + endpoint, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["data"]!.AsObject();
    }

    private static Task<SandboxServer> StartAsync() =>
        SandboxServer.StartAsync(new SandboxOptions { Accounts = 2, ItemsPerAccount = 400, ForwardDays = 30, RequestsPerSecondPerKey = 0, RequestsPerSecondPerEndpoint = 0, FixedNow = Now });

    private static HttpClient Client(SandboxServer sandbox)
    {
        var http = new HttpClient { BaseAddress = new Uri(sandbox.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", sandbox.Options.ApiKey);
        return http;
    }
}
