using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using DouyinEtl.Configuration;
using DouyinEtl.Upstream;

namespace DouyinEtl.UnitTests.Upstream;

/// <summary>How one HTTP answer is sorted, row by row, with no server: status, headers and bytes in, kind and reason out.</summary>
public sealed class TikHubAnswerTests
{
    private const string Cookie = "sessionid=0f3c9a7d5e1b24c68a90d3f7e5b1c2a4; sid_tt=0f3c9a7d5e1b24c68a90d3f7e5b1c2a4";

    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private static readonly SecretScrubber Scrubber = new([Cookie]);

    // TikHub's envelope around a creator answer (RESEARCH.md §2; the params echo carries the cookie).
    private const string Envelope =
        """{"code":200,"request_id":"d5bdda29","router":"/api/v1/douyin/creator_v2/fetch_item_list","params":{"cookie":"COOKIE"},"data":DATA}""";

    // TikHub's transient 400, word for word (RESEARCH.md §3, find_string 70255844730).
    private const string PleaseRetry =
        """{"detail":{"code":400,"request_id":"d5bdda29","message":"Request failed. Please retry. Check the docs below to verify your parameters, test with the default demo parameters, and send the response JSON to support. You won't be charged for this request."}}""";

    // A 200 row whose body is a bare object without request_id is that object as the envelope's data; the others are the whole body.
    [Theory]
    // A 200 carrying the envelope is read, whatever the creator platform's own status inside it.
    [InlineData(200, "application/json", null, """{"status_code":0,"status_msg":"","has_more":false,"item_list":[]}""", "Success", "ok", "ok", null)]
    [InlineData(200, "application/json", null, """{"status_code":8,"status_msg":"用户未登录"}""", "Success", "inner_error", "inner status 8", null)]
    [InlineData(200, "application/json", null, """{"code":10001,"message":"数据不足"}""", "Success", "inner_error", "inner status 10001", null)]
    // Anything else behind a 200 is garbled in transit or a proxy's page: tried again.
    [InlineData(200, "text/html", null, "<!DOCTYPE html><html><body>progress</body></html>", "Transient", "retryable_error", "200 with a text/html body instead of JSON", null)]
    [InlineData(200, "application/json", null, """{"code":200,"request_id":"d5bd""", "Transient", "retryable_error", "200 with a body that is not TikHub's JSON envelope", null)]
    [InlineData(200, "application/json", null, """{"code":200,"request_id":"d5bdda29"}""", "Transient", "retryable_error", "200 with a body that is not TikHub's JSON envelope", null)]
    [InlineData(200, null, null, "[1,2]", "Transient", "retryable_error", "200 with a body that is not TikHub's JSON envelope", null)]
    // 429: Retry-After in seconds or as an HTTP date, one second when absent, never more than ten minutes.
    [InlineData(429, "application/json", "7", "{}", "Transient", "retryable_error", "429 Too Many Requests", 7.0)]
    [InlineData(429, "application/json", "Wed, 02 Dec 2026 10:00:30 GMT", "{}", "Transient", "retryable_error", "429 Too Many Requests", 30.0)]
    [InlineData(429, "application/json", "Wed, 02 Dec 2026 09:59:00 GMT", "{}", "Transient", "retryable_error", "429 Too Many Requests", 0.0)]
    [InlineData(429, "application/json", null, "{}", "Transient", "retryable_error", "429 Too Many Requests", 1.0)]
    [InlineData(429, "application/json", "3600", "{}", "Transient", "retryable_error", "429 Too Many Requests", 600.0)]
    // TikHub's "Please retry" 400 passes with time; any other 400 is the request's fault.
    [InlineData(400, "application/json", null, PleaseRetry, "Transient", "retryable_error", "400 'Please retry' (TikHub's transient failure)", null)]
    [InlineData(400, "application/json", "5", PleaseRetry, "Transient", "retryable_error", "400 'Please retry' (TikHub's transient failure)", 5.0)]
    [InlineData(400, "application/json", null, """{"detail":{"code":400,"message_zh":"开始时间格式错误"}}""", "Fatal", "rejected", "400: 开始时间格式错误", null)]
    // 401/403 refuse the key, in TikHub's words.
    [InlineData(401, "application/json", null, """{"detail":{"code":401,"message":"Invalid API key"}}""", "Denied", "denied", "Invalid API key", null)]
    [InlineData(403, "application/json", null, """{"detail":{"code":403,"message":"Insufficient balance"}}""", "Denied", "denied", "Insufficient balance", null)]
    // 422 is pydantic's list: every field named, never retried.
    [InlineData(422, "application/json", null, """{"detail":[{"loc":["body","count"],"msg":"Input should be less than or equal to 100","type":"less_than_equal"},{"loc":["body","item_id"],"msg":"Input should be a valid string","type":"string_type"}]}""", "Fatal", "rejected", """422: ["body","count"] Input should be less than or equal to 100; ["body","item_id"] Input should be a valid string""", null)]
    [InlineData(404, "text/plain", null, "Not Found", "Fatal", "rejected", "404: Not Found", null)]
    // 408 and 5xx pass with time, honouring a Retry-After.
    [InlineData(408, null, null, "", "Transient", "retryable_error", "408 Request Timeout", null)]
    [InlineData(500, "text/plain", null, "oops", "Transient", "retryable_error", "500 Internal Server Error", null)]
    [InlineData(502, "text/html", null, "<html>bad gateway</html>", "Transient", "retryable_error", "502 Bad Gateway", null)]
    [InlineData(503, null, "12", "", "Transient", "retryable_error", "503 Service Unavailable", 12.0)]
    public void Classify_SortsTheAnswer(int status, string? contentType, string? retryAfter, string data, string kind, string outcome, string reason, double? retryAfterSeconds)
    {
        var body = status == 200 && data.StartsWith('{') && !data.Contains("request_id", StringComparison.Ordinal) ? Envelope.Replace("DATA", data, StringComparison.Ordinal) : data;

        var answer = Classify(status, contentType, retryAfter, Encoding.UTF8.GetBytes(body.Replace("COOKIE", Cookie, StringComparison.Ordinal)), expectsFile: false);

        Assert.Equal(kind, answer.Kind.ToString());
        Assert.Equal(outcome, answer.Outcome);
        Assert.Equal(reason, answer.Reason);
        Assert.Equal(retryAfterSeconds, answer.RetryAfter?.TotalSeconds);
        Assert.Equal(status, answer.HttpStatus);
        Assert.Equal(contentType, answer.ContentType);
    }

    [Fact]
    public void Classify_AnEnvelope_KeepsItsDataInnerCodeAndRequestId_WithTheCookieMasked()
    {
        var body = Envelope.Replace("COOKIE", Cookie, StringComparison.Ordinal).Replace("DATA", """{"status_code":200001,"status_msg":"too many works"}""", StringComparison.Ordinal);

        var answer = Classify(200, "application/json", null, Encoding.UTF8.GetBytes(body), expectsFile: false);

        Assert.Equal(200001, answer.InnerCode);
        Assert.Equal("d5bdda29", answer.RequestId);
        Assert.Equal("too many works", answer.Data.GetProperty("status_msg").GetString());
        Assert.DoesNotContain("0f3c9a7d5e1b24c68a90d3f7e5b1c2a4", answer.PayloadJson, StringComparison.Ordinal);
        Assert.Contains($"\"cookie\":\"{SecretScrubber.Mask}\"", answer.PayloadJson, StringComparison.Ordinal);
        Assert.Null(answer.RawBody);
        Assert.Equal((200001, "too many works"), TikHubAnswer.ReadInnerCode(answer.Data));
    }

    [Fact]
    public void Classify_AnEscapePostgreSqlCannotStore_IsReadAsReplacement_AndTheExactBytesAreKept()
    {
        var body = Envelope.Replace("COOKIE", Cookie, StringComparison.Ordinal).Replace("DATA", """{"status_code":0,"title":"a\u0000b"}""", StringComparison.Ordinal);

        var answer = Classify(200, "application/json", null, Encoding.UTF8.GetBytes(body), expectsFile: false);

        Assert.Equal(AnswerKind.Success, answer.Kind);
        Assert.Equal(1, answer.UnstorableEscapes);
        Assert.Equal("a\uFFFDb", answer.Data.GetProperty("title").GetString());
        Assert.NotNull(answer.RawBody);
        Assert.Contains("\\u0000", Encoding.UTF8.GetString(answer.RawBody), StringComparison.Ordinal);
        Assert.DoesNotContain("0f3c9a7d5e1b24c68a90d3f7e5b1c2a4", Encoding.UTF8.GetString(answer.RawBody), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, "Fatal")]
    [InlineData(401, "Denied")]
    [InlineData(429, "Transient")]
    [InlineData(502, "Transient")]
    public void Classify_AnErrorEchoingTheCookie_NamesAndKeepsItMasked(int status, string kind)
    {
        var body = """{"detail":{"code":STATUS,"message":"bad cookie COOKIE","params":{"cookie":"COOKIE"}}}"""
            .Replace("STATUS", status.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("COOKIE", Cookie, StringComparison.Ordinal);

        var answer = Classify(status, "application/json", null, Encoding.UTF8.GetBytes(body), expectsFile: false);

        Assert.Equal(kind, answer.Kind.ToString());
        Assert.DoesNotContain("0f3c9a7d5e1b24c68a90d3f7e5b1c2a4", answer.Reason, StringComparison.Ordinal);
        Assert.NotNull(answer.RawBody);
        Assert.DoesNotContain("0f3c9a7d5e1b24c68a90d3f7e5b1c2a4", Encoding.UTF8.GetString(answer.RawBody), StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_ALongRefusal_IsCutAt300Characters()
    {
        var answer = Classify(404, "text/plain", null, Encoding.UTF8.GetBytes(new string('x', 1000)), expectsFile: false);

        Assert.Equal("404: " + new string('x', 300) + "…", answer.Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("export of 2026-12-01")]
    public void Classify_AWholeZip_IsTheFile(string? comment)
    {
        var zip = Zip(comment);

        var answer = Classify(200, "application/octet-stream", null, zip, expectsFile: true);

        Assert.Equal(AnswerKind.Success, answer.Kind);
        Assert.Equal(("ok", "file"), (answer.Outcome, answer.Reason));
        Assert.Same(zip, answer.File);
        Assert.Same(zip, answer.RawBody);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(22)]
    [InlineData(50)]
    public void Classify_AZipCutOffInTransit_IsTriedAgain_WithItsBytesKept(int missing)
    {
        var zip = Zip();
        var cut = zip[..^missing];

        var answer = Classify(200, "application/octet-stream", null, cut, expectsFile: true);

        Assert.Equal(AnswerKind.Transient, answer.Kind);
        Assert.Equal("200 with a cut-off file (no zip end record)", answer.Reason);
        Assert.Null(answer.File);
        Assert.Equal(cut, answer.RawBody);
    }

    [Fact]
    public void Classify_ADownloadAnsweredWithTheEnvelope_IsReadAsJson()
    {
        var body = Envelope.Replace("COOKIE", Cookie, StringComparison.Ordinal).Replace("DATA", """{"status_code":10001}""", StringComparison.Ordinal);

        var answer = Classify(200, "application/json", null, Encoding.UTF8.GetBytes(body), expectsFile: true);

        Assert.Equal(AnswerKind.Success, answer.Kind);
        Assert.Equal(10001, answer.InnerCode);
        Assert.Null(answer.File);
    }

    [Fact]
    public void Classify_AZipFromAJsonEndpoint_IsNotTheEnvelope()
    {
        var answer = Classify(200, "application/zip", null, Zip(), expectsFile: false);

        Assert.Equal(AnswerKind.Transient, answer.Kind);
        Assert.Equal("200 with a application/zip body instead of JSON", answer.Reason);
    }

    [Fact]
    public void NoAnswer_IsTriedAgain_WithoutAStatus()
    {
        var answer = TikHubAnswer.NoAnswer("network error (ConnectionError)");

        Assert.Equal((AnswerKind.Transient, (int?)null, "no_response"), (answer.Kind, answer.HttpStatus, answer.Outcome));
        Assert.Equal("network error (ConnectionError)", answer.Reason);
    }

    private static TikHubAnswer Classify(int status, string? contentType, string? retryAfter, byte[] body, bool expectsFile)
    {
        var http = new HttpAnswer(
            status,
            ReasonPhrase(status),
            contentType,
            retryAfter is null ? null : RetryConditionHeaderValue.Parse(retryAfter),
            body);
        return TikHubAnswer.Classify(http, expectsFile, Now, Scrubber);
    }

    /// <summary>The phrase HttpClient reports for a status line that names none.</summary>
    private static string ReasonPhrase(int status)
    {
        using var response = new HttpResponseMessage((System.Net.HttpStatusCode)status);
        return response.ReasonPhrase ?? "";
    }

    /// <summary>A small real zip; with a comment its end record is not the last 22 bytes.</summary>
    private static byte[] Zip(string? comment = null)
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = archive.CreateEntry("xl/worksheets/sheet1.xml");
            using var writer = new StreamWriter(entry.Open());
            writer.Write(string.Concat(Enumerable.Repeat("<row><c>1</c></row>", 100)));
            if (comment is not null)
            {
                archive.Comment = comment;
            }
        }

        return stream.ToArray();
    }
}
