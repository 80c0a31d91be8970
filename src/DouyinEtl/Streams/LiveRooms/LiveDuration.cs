using System.Globalization;
using System.Text.RegularExpressions;

namespace DouyinEtl.Streams.LiveRooms;

/// <summary>
/// The live history's durations are text: "1分钟5秒", "2小时3分钟", "45秒", "1小时", with zero parts left out. Also read:
/// 天/时/分 short forms, English units ("1h 2m 5s", "2 hours 3 minutes"), clock form ("01:02:05", "62:05") and bare seconds.
/// </summary>
internal static partial class LiveDuration
{
    public static bool TryParseSeconds(string? text, out int seconds)
    {
        seconds = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var compact = WhiteSpace().Replace(text, "");
        if (int.TryParse(compact, NumberStyles.None, CultureInfo.InvariantCulture, out seconds))
        {
            return true;
        }

        if (Clock().Match(compact) is { Success: true } clock)
        {
            var parts = compact.Split(':').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).Reverse().ToArray();
            seconds = parts[0] + (parts[1] * 60) + (parts.Length > 2 ? parts[2] * 3600 : 0);
            return true;
        }

        var matches = Part().Matches(compact);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)).Length != compact.Length)
        {
            return false;
        }

        var total = 0m;
        foreach (Match match in matches)
        {
            var amount = decimal.Parse(match.Groups["amount"].Value, CultureInfo.InvariantCulture);
            total += amount * UnitSeconds(match.Groups["unit"].Value.ToLowerInvariant());
        }

        if (total > int.MaxValue)
        {
            return false;
        }

        seconds = (int)Math.Round(total);
        return true;
    }

    private static int UnitSeconds(string unit) => unit switch
    {
        "天" or "d" or "day" or "days" => 86_400,
        "小时" or "时" or "h" or "hr" or "hrs" or "hour" or "hours" => 3_600,
        "分钟" or "分" or "m" or "min" or "mins" or "minute" or "minutes" => 60,
        _ => 1,
    };

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"^\d{1,3}(:\d{2}){1,2}$")]
    private static partial Regex Clock();

    // Longer units first, so "分钟" is not read as "分" + garbage.
    [GeneratedRegex(@"(?<amount>\d+(\.\d+)?)(?<unit>天|小时|时|分钟|分|秒|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?|d|h|m|s)", RegexOptions.IgnoreCase)]
    private static partial Regex Part();
}
