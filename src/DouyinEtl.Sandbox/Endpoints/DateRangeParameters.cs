using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Hosting;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary>
/// The <c>start_date</c>/<c>end_date</c> pair of the analysis and live endpoints. FastAPI only checks that they are
/// strings (422); a bad format, a reversed or a too long range is refused by the handler with TikHub's 400 body
/// (<c>{"detail": {code, request_id, message, message_zh, router, params}}</c>, params echoing the request).
/// </summary>
internal static class DateRangeParameters
{
    public static bool TryRead(TikHubRequest request, string endpoint, string format, int? maxDays, out DateOnly first, out DateOnly last, out ErrorReply? error)
    {
        error = null;
        last = default;
        var startText = request.Body["start_date"]?.GetValue<string>();
        var endText = request.Body["end_date"]?.GetValue<string>();
        if (!DateOnly.TryParseExact(startText, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out first)
            || !DateOnly.TryParseExact(endText, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out last))
        {
            error = BadRequest(request, endpoint, $"start_date and end_date must be dates in {format.ToUpperInvariant()} format.", $"日期格式必须为{format.ToUpperInvariant()}");
            return false;
        }

        if (last < first)
        {
            error = BadRequest(request, endpoint, "end_date must not be before start_date.", "结束日期不能早于开始日期");
            return false;
        }

        var days = last.DayNumber - first.DayNumber + 1;
        if (days > maxDays)
        {
            error = BadRequest(request, endpoint, $"The date range covers {days} days; at most {maxDays} days are allowed.", $"日期范围最多{maxDays}天");
            return false;
        }

        return true;
    }

    private static ErrorReply BadRequest(TikHubRequest request, string endpoint, string message, string messageZh) => new(400, new JsonObject
    {
        ["detail"] = new JsonObject
        {
            ["code"] = 400,
            ["request_id"] = Guid.NewGuid().ToString(),
            ["message"] = message,
            ["message_zh"] = messageZh,
            ["support"] = "Discord: https://discord.gg/aMEAS8Xsvz",
            ["router"] = TikHubPipeline.RoutePrefix + endpoint,
            ["params"] = request.Body.DeepClone(),
        },
    });
}
