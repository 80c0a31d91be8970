using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClosedXML.Excel;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.World;

namespace DouyinEtl.Tests.Sandbox;

/// <summary>The sandbox's export must look like the real download where the worker depends on it.</summary>
public sealed class ItemExportEndpointTests
{
    private const string Route = "/api/v1/douyin/creator_v2/fetch_item_list_download";

    [Fact]
    public async Task Download_IsAnXlsxAttachmentNamedInUtf8_WithTheOfficialHeadersAndOnlyTheFilteredWorks()
    {
        await using var sandbox = await StartAsync();
        using var http = Client(sandbox);

        var response = await http.PostAsJsonAsync(Route, new { cookie = sandbox.World.Accounts[0].Cookie, min_cursor = 0, max_cursor = Harness.DefaultNow.ToUnixTimeMilliseconds(), type_filters = new[] { 5, 8 } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.ms-excel", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("作品列表导出.xlsx", response.Content.Headers.ContentDisposition?.FileNameStar);
        using var workbook = new XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var sheet = Assert.Single(workbook.Worksheets);
        Assert.Equal("Sheet1", sheet.Name);
        Assert.Equal(ItemExportSheet.OfficialHeaders, sheet.Row(1).CellsUsed().Select(c => c.GetString()));
        var images = sandbox.World.VisibleItems("creator-01", Harness.DefaultNow).Count(i => i.Genre is 5 or 8);
        Assert.Equal(images, sheet.LastRowUsed()!.RowNumber() - 1);
        Assert.All(sheet.Column(3).CellsUsed().Skip(1), c => Assert.Contains(c.GetString(), new[] { "图文", "长图文" }));
        Assert.Equal(1, sandbox.Calls.TotalBilled);
    }

    [Fact]
    public async Task Download_WindowOverTheCap_ServesOnlyTheNewestWorks()
    {
        await using var sandbox = await StartAsync(s => s.ItemExport.MaxRows = 10);
        var sheet = ItemExportSheet.Build(sandbox.World, sandbox.World.Accounts[0], new ExportQuery(0, Harness.DefaultNow.ToUnixTimeMilliseconds(), ExportQuery.AllGenres, true), Harness.DefaultNow);

        Assert.True(sheet.Truncated);
        Assert.Equal(10, sheet.Rows.Count);
        Assert.Equal(
            sandbox.World.VisibleItems("creator-01", Harness.DefaultNow).Take(10).Select(i => i.Id),
            sheet.Rows.Select(r => r.Item.Id));
    }

    [Fact]
    public async Task Download_WithoutItsWindow_Is422()
    {
        await using var sandbox = await StartAsync();
        using var http = Client(sandbox);

        var response = await http.PostAsJsonAsync(Route, new { cookie = sandbox.World.Accounts[0].Cookie, type_filters = "all" });

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.AsArray();
        Assert.Equal(["min_cursor", "max_cursor", "type_filters"], detail.Select(e => e!["loc"]![1]!.GetValue<string>()));
    }

    [Fact]
    public async Task Download_ErrorEnvelopeAnswer_IsTikHubsJsonWithTheInnerError()
    {
        await using var sandbox = await StartAsync(s => s.ItemExport.Answers["creator-01"] = ExportAnswer.ErrorEnvelope);
        using var http = Client(sandbox);

        var response = await http.PostAsJsonAsync(Route, new { cookie = sandbox.World.Accounts[0].Cookie, min_cursor = 0, max_cursor = 1 });

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var envelope = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(200, envelope["code"]!.GetValue<int>());
        Assert.NotEqual(0, envelope["data"]!["status_code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Truth_SaysWhichWorkEveryRowShowsAndWhatItsCellsMean()
    {
        await using var sandbox = await StartAsync();
        using var http = Client(sandbox);

        var truth = (await http.GetFromJsonAsync<JsonObject>($"/sandbox/truth/item-export?account=creator-01&min_cursor=0&max_cursor={Harness.DefaultNow.ToUnixTimeMilliseconds()}&type_filters=1,2,3,4"))!;

        var rows = truth["rows"]!.AsArray();
        var videos = sandbox.World.VisibleItems("creator-01", Harness.DefaultNow).Where(i => i.Genre is >= 1 and <= 4).ToList();
        Assert.Equal(videos.Select(i => i.Id), rows.Select(r => r!["item_id"]!.GetValue<string>()));
        Assert.Equal(videos[0].Title, rows[0]!["cells"]!["作品名称"]!.GetValue<string>());
        Assert.False(truth["truncated"]!.GetValue<bool>());
    }

    private static Task<SandboxServer> StartAsync(Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions { Accounts = 1, ItemsPerAccount = 60, FixedNow = Harness.DefaultNow, RequestsPerSecondPerKey = 0, RequestsPerSecondPerEndpoint = 0 };
        configure?.Invoke(options);
        return SandboxServer.StartAsync(options);
    }

    private static HttpClient Client(SandboxServer sandbox)
    {
        var http = new HttpClient { BaseAddress = new Uri(sandbox.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", sandbox.Options.ApiKey);
        return http;
    }
}
