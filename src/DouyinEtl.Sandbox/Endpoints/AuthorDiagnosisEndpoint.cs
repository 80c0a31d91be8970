using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Hosting;
using DouyinEtl.Sandbox.World;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary><c>fetch_author_diagnosis</c>: the account's five diagnosis dimensions for the latest published day. No parameters but the cookie.</summary>
public static class AuthorDiagnosisEndpoint
{
    public const string Name = "fetch_author_diagnosis";

    public static void Validate(RequestValidator v)
    {
        // The cookie is all it takes; the pipeline checks it.
    }

    public static SandboxReply Handle(TikHubRequest request)
    {
        var values = AuthorDiagnosisWorld.For(request.World, request.Account, AuthorDiagnosisWorld.DataDay(request.Now));
        var dimensions = new JsonObject();
        foreach (var value in values)
        {
            dimensions[value.Dimension] = request.Variant == PayloadVariant.Documented ? Documented(value) : RealWorld(value);
        }

        return new DataReply(request.Variant == PayloadVariant.Documented
            ? new JsonObject { ["code"] = 0, ["data"] = dimensions }
            : new JsonObject { ["code"] = 0, ["msg"] = "success", ["data"] = dimensions });
    }

    /// <summary>TikHub's example: JSON numbers, and only Interact carries SimilarCount and SimilarValue.</summary>
    private static JsonObject Documented(DiagnosisValue value)
    {
        var node = new JsonObject { ["OwnValue"] = value.OwnValue };
        if (value.Dimension == "Interact")
        {
            node["SimilarCount"] = value.SimilarCount;
        }

        node["AuthorRank"] = value.AuthorRank;
        node["SimilarRank"] = value.SimilarRank;
        if (value.Dimension == "Interact")
        {
            node["SimilarValue"] = value.SimilarValue;
        }

        return node;
    }

    /// <summary>What the creator page shows: every field, numbers as strings.</summary>
    private static JsonObject RealWorld(DiagnosisValue value) => new()
    {
        ["OwnValue"] = Text(value.OwnValue),
        ["SimilarCount"] = value.SimilarCount.ToString(CultureInfo.InvariantCulture),
        ["AuthorRank"] = Text(value.AuthorRank),
        ["SimilarRank"] = Text(value.SimilarRank),
        ["SimilarValue"] = Text(value.SimilarValue),
    };

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
