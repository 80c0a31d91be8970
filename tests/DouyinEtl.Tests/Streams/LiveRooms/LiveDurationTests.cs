using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Streams.LiveRooms;

namespace DouyinEtl.Tests.Streams.LiveRooms;

public sealed class LiveDurationTests
{
    [Theory]
    [InlineData("1分钟5秒", 65)] // TikHub's documented example, verbatim
    [InlineData("2小时3分钟", 7_380)]
    [InlineData("45秒", 45)]
    [InlineData("1小时", 3_600)]
    [InlineData("12分钟", 720)]
    [InlineData("1小时5秒", 3_605)]
    [InlineData("2小时3分钟4秒", 7_384)]
    [InlineData("0秒", 0)]
    [InlineData("1天2小时", 93_600)]
    [InlineData("3时20分", 12_000)]
    [InlineData(" 1 小时 2 分钟 ", 3_720)]
    [InlineData("1h2m5s", 3_725)]
    [InlineData("2 hours 3 minutes", 7_380)]
    [InlineData("1 minute 5 seconds", 65)]
    [InlineData("01:02:05", 3_725)]
    [InlineData("62:05", 3_725)]
    [InlineData("65", 65)]
    [InlineData("1.5小时", 5_400)]
    public void TryParseSeconds_EveryWrittenForm_IsRead(string text, int expected)
    {
        Assert.True(LiveDuration.TryParseSeconds(text, out var seconds), text);
        Assert.Equal(expected, seconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("abc")]
    [InlineData("1小时abc")]
    [InlineData("小时")]
    [InlineData("1:2:3:4")]
    public void TryParseSeconds_NotADuration_IsRefused(string text) => Assert.False(LiveDuration.TryParseSeconds(text, out _));

    [Fact]
    public void TryParseSeconds_EverySecondCountTheSandboxCanPrint_ReadsBackExactly()
    {
        // Every combination of present and absent hours, minutes and seconds, up to a day.
        for (var seconds = 0; seconds <= 86_400; seconds += seconds < 4_000 ? 1 : 59)
        {
            var text = LiveRoomWorld.FormatDuration(seconds);
            Assert.True(LiveDuration.TryParseSeconds(text, out var read), text);
            Assert.Equal(seconds, read);
        }
    }

    [Fact]
    public void TryParseSeconds_EveryRoomOfASandboxYear_ReadsBackExactly()
    {
        var at = Harness.DefaultNow;
        var today = ShanghaiClock.Day(at);
        var world = new SandboxWorld(new SandboxOptions { Accounts = 4, ItemsPerAccount = 10 }, today);
        var forms = new HashSet<string>();
        foreach (var account in world.Accounts)
        {
            foreach (var room in LiveRoomWorld.History(world, account, today.AddYears(-1), today, at, includeLive: true))
            {
                var text = LiveRoomWorld.FormatDuration(room.DurationSeconds);
                Assert.True(LiveDuration.TryParseSeconds(text, out var read), text);
                Assert.Equal(room.DurationSeconds, read);
                forms.Add(System.Text.RegularExpressions.Regex.Replace(text, @"\d+", "N"));
            }
        }

        // The world must exercise every shape the text takes, or this test proves less than it claims.
        Assert.Superset(new HashSet<string> { "N秒", "N分钟", "N分钟N秒", "N小时", "N小时N分钟", "N小时N秒", "N小时N分钟N秒" }, forms);
    }
}
