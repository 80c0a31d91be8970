using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Streams.AuthorDiagnosis;

namespace DouyinEtl.UnitTests.Streams.AuthorDiagnosis;

public sealed class DiagnosisPayloadTests
{
    // TikHub's documented response example for fetch_author_diagnosis, verbatim.
    private const string DocumentedExample = """
        {     "code": 0,     "data": {         "Interact": {             "OwnValue": 0.0052,             "SimilarCount": 1494654282,             "AuthorRank": 0.2633,             "SimilarRank": 0.5169,             "SimilarValue": 0.0909         },         "NewFans": {             "OwnValue": 2,             "AuthorRank": 0.7924,             "SimilarRank": 0.6343         },         "PlayCnt": {             "OwnValue": 192,             "AuthorRank": 0.8427,             "SimilarRank": 0.5132         },         "PlayFinishRatio": {             "OwnValue": 0.1545,             "AuthorRank": 0.3851,             "SimilarRank": 0.5086         },         "PublishActivation": {             "OwnValue": 2,             "AuthorRank": 0.7345,             "SimilarRank": 0.5675         }     } }
        """;

    [Fact]
    public void Parse_DocumentedExampleVerbatim_ReadsAllFiveDimensions()
    {
        var problems = new PayloadProblems();

        var dimensions = DiagnosisPayload.Parse(Json(DocumentedExample), problems)!;

        Assert.Empty(problems.Messages);
        Assert.Equal(["Interact", "NewFans", "PlayCnt", "PlayFinishRatio", "PublishActivation"], dimensions.Select(d => d.Dimension));
        var interact = dimensions[0];
        Assert.Equal((0.0052m, 1494654282L, 0.2633m, 0.5169m, 0.0909m), (interact.OwnValue, interact.SimilarCount, interact.AuthorRank, interact.SimilarRank, interact.SimilarValue));
        var newFans = dimensions[1];
        Assert.Equal((2m, (long?)null, 0.7924m, 0.6343m, (decimal?)null), (newFans.OwnValue, newFans.SimilarCount, newFans.AuthorRank, newFans.SimilarRank, newFans.SimilarValue));
        Assert.Equal(192m, dimensions[2].OwnValue);
        Assert.Equal(0.1545m, dimensions[3].OwnValue);
        Assert.Equal(0.5675m, dimensions[4].SimilarRank);
    }

    [Fact]
    public void Parse_RealWorldStrings_ReadTheSameAsNumbers()
    {
        const string realWorld = """
            {"code": 0, "msg": "success", "data": {
              "PlayCnt": {"OwnValue": "36", "SimilarCount": "1016311102", "AuthorRank": "0.6562", "SimilarRank": "0.4389", "SimilarValue": "11"},
              "NewFans": {"OwnValue": "-3", "SimilarCount": "1016311102", "AuthorRank": "0.1", "SimilarRank": "0.2", "SimilarValue": "10"},
              "Interact": {"OwnValue": "0.01", "SimilarCount": "1016311102", "AuthorRank": "0.3", "SimilarRank": "0.5", "SimilarValue": "0.09"},
              "PlayFinishRatio": {"OwnValue": "0.15", "SimilarCount": "1016311102", "AuthorRank": "0.4", "SimilarRank": "0.5", "SimilarValue": "0.2"},
              "PublishActivation": {"OwnValue": "2", "SimilarCount": "1016311102", "AuthorRank": "0.7", "SimilarRank": "0.6", "SimilarValue": "3"}}}
            """;
        var problems = new PayloadProblems();

        var dimensions = DiagnosisPayload.Parse(Json(realWorld), problems)!;

        Assert.Empty(problems.Messages);
        Assert.Equal((36m, 1016311102L, 0.6562m, 0.4389m, 11m), (dimensions[0].OwnValue, dimensions[0].SimilarCount, dimensions[0].AuthorRank, dimensions[0].SimilarRank, dimensions[0].SimilarValue));
        Assert.Equal(-3m, dimensions[1].OwnValue);
    }

    [Fact]
    public void Parse_UnknownDimensionsAndFields_LandAndAreReported()
    {
        const string drifted = """
            {"code": 0, "data": {
              "Interact": {"OwnValue": 0.1, "Trend": "up"},
              "LiveActivation": {"OwnValue": 3, "AuthorRank": 0.5},
              "suggestion": "多发作品"}}
            """;
        var problems = new PayloadProblems();

        var dimensions = DiagnosisPayload.Parse(Json(drifted), problems)!;

        Assert.Equal(["Interact", "LiveActivation"], dimensions.Select(d => d.Dimension));
        Assert.Contains(problems.Messages, m => m.Contains("'LiveActivation'", StringComparison.Ordinal));
        Assert.Contains(problems.Messages, m => m.Contains("'Trend'", StringComparison.Ordinal));
        Assert.Contains(problems.Messages, m => m.Contains("'suggestion'", StringComparison.Ordinal));
        Assert.Equal("""{"OwnValue": 0.1, "Trend": "up"}""", dimensions[0].Json);
    }

    [Fact]
    public void Parse_NoDataYet_IsEmptyAndNotAnObjectIsUnreadable()
    {
        Assert.Empty(DiagnosisPayload.Parse(Json("""{"code": 0, "data": {}}"""), new PayloadProblems())!);
        Assert.Null(DiagnosisPayload.Parse(Json("""[1, 2]"""), new PayloadProblems()));
    }

    [Fact]
    public void Parse_ADimensionOrRankMissingFromAnAnswerWithData_IsReported()
    {
        const string partial = """
            {"code": 0, "data": {
              "Interact": {"OwnValue": 0.1, "SimilarCount": 5, "AuthorRank": 0.2, "SimilarRank": 0.3, "SimilarValue": 0.1},
              "NewFans": {"OwnValue": 2, "AuthorRank": 0.7},
              "PlayCnt": {"OwnValue": 192, "AuthorRank": 0.8, "SimilarRank": 0.5},
              "PublishActivation": {"OwnValue": 2, "AuthorRank": 0.7, "SimilarRank": 0.5}}}
            """;
        var problems = new PayloadProblems();

        var dimensions = DiagnosisPayload.Parse(Json(partial), problems)!;

        Assert.Equal(4, dimensions.Count);
        Assert.Equal(
            ["fetch_author_diagnosis NewFans has no 'SimilarRank'", "fetch_author_diagnosis: dimension 'PlayFinishRatio' is missing from an answer that has the others"],
            problems.Messages);
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
