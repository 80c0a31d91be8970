using System.Text.RegularExpressions;
using Dapper;
using DouyinEtl.Runs;

namespace DouyinEtl.Tests.Warehouse.Analyst;

/// <summary>
/// The example questions of docs/analyst-guide.md, read from the guide itself and run as the analyst login: on the
/// week-long warehouse, and on a warehouse after a single item-list and live-rooms run (what `douyin-demo demo` leaves).
/// Each must run and return rows.
/// </summary>
[Collection(AnalystWarehouseCollection.Name)]
public sealed partial class AnalystGuideTests(AnalystWarehouseFixture fixture)
{
    private const int QuestionCount = 12;

    public static TheoryData<int> QuestionNumbers => [.. Enumerable.Range(1, QuestionCount)];

    [Fact]
    public void Guide_HasItsNumberedQuestionsEachWithSql()
    {
        var questions = Questions();

        Assert.Equal(Enumerable.Range(1, QuestionCount), questions.Select(q => q.Number));
        Assert.All(questions, q => Assert.Contains("douyin.", q.Sql, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(QuestionNumbers))]
    public async Task Question_OnAWeekOfHistory_ReturnsRowsForTheAnalyst(int number)
    {
        var question = Questions().Single(q => q.Number == number);
        await using var login = await AnalystLogin.CreateAsync(fixture.Harness.ConnectionString);
        await using var connection = await login.OpenAsync();

        var rows = (await connection.QueryAsync(question.Sql)).ToList();

        Assert.True(rows.Count > 0, $"question {number} ({question.Title}) returned no rows");
    }

    [Fact]
    public async Task EveryQuestion_AfterASingleRunLikeTheDemo_ReturnsRowsForTheAnalyst()
    {
        // The demo's world (1,200 works per account over two years), loaded once at the harness's Beijing evening.
        await using var harness = await Harness.StartAsync(s => s.ItemsPerAccount = 1200);
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync(settings: new Dictionary<string, string?> { ["ItemList:PageSize"] = "100" })).Outcome);
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync("live-rooms", new Dictionary<string, string?> { ["LiveRooms:HistoryDays"] = "30" })).Outcome);
        await using var login = await AnalystLogin.CreateAsync(harness.ConnectionString);
        await using var connection = await login.OpenAsync();

        var empty = new List<string>();
        foreach (var question in Questions())
        {
            if (!(await connection.QueryAsync(question.Sql)).Any())
            {
                empty.Add($"{question.Number}. {question.Title}");
            }
        }

        Assert.True(empty.Count == 0, "no rows: " + string.Join("; ", empty));
    }

    private static List<Question> Questions()
    {
        var guide = File.ReadAllText(RepositoryFile.PathOf("docs/analyst-guide.md"));
        return [.. QuestionPattern().Matches(guide).Select(m => new Question(int.Parse(m.Groups["number"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["title"].Value.Trim(), m.Groups["sql"].Value))];
    }

    // "### 3. Title" followed (after any prose) by the first ```sql block before the next heading.
    [GeneratedRegex(@"^### (?<number>\d+)\. (?<title>[^\n]+)\n(?:(?!^#)[\s\S])*?^```sql\n(?<sql>[\s\S]*?)^```", RegexOptions.Multiline)]
    private static partial Regex QuestionPattern();

    private sealed record Question(int Number, string Title, string Sql);
}
