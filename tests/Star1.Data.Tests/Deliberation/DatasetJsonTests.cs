using System.Text;
using System.Text.Json;
using Star1.Data.Deliberation;
using Star1.Data.Selection;

namespace Star1.Data.Tests.Deliberation;

public sealed class DatasetJsonTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("star1-dataset-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private string File(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    private static readonly StarOneRecord One = new(3, "Where's the <b>café</b> & \"why\"?", "<think>\nx\n</think>\n\ny",
        [SafetyCategories.Privacy, SafetyCategories.Illicit], "SaladBench", new SafetyScores(10, 10, 10));

    [Fact]
    public void StarOne_records_have_the_released_field_names_and_order()
    {
        var text = Encoding.UTF8.GetString(DatasetJson.Write(new[] { One }));
        var item = JsonDocument.Parse(text).RootElement[0];
        Assert.Equal(["id", "question", "response", "category", "source", "score"], item.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["Content_Safety_Compliance", "Relevancy_and_No_Redundant_Content", "Accuracy_of_Thinking_Process"],
            item.GetProperty("score").EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Array, item.GetProperty("category").ValueKind);
        Assert.Contains("\"question\": \"Where's the <b>café</b> & \\\"why\\\"?\"", text);
        Assert.DoesNotContain("\\u", text);
    }

    [Fact]
    public void Scored_records_have_the_STAR_41K_field_order()
    {
        var s = new ScoredQuestion(1, "q", "src", ["Other"], "r", new SafetyScores(1, 2, 3));
        var item = JsonDocument.Parse(DatasetJson.Write(new[] { s })).RootElement[0];
        Assert.Equal(["id", "question", "source", "category", "response", "score"], item.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Every_record_type_reads_back_what_was_written()
    {
        var starOne = DatasetJson.ReadStarOne(File("a.json", DatasetJson.Write(new[] { One })));
        Assert.Equal(One with { Category = starOne[0].Category }, starOne[0]);
        Assert.Equal(One.Category, starOne[0].Category);

        var scored = new ScoredQuestion(5, "q", "src", [SafetyCategories.SelfHarm], "r", new SafetyScores(0, 5, 10));
        var back = DatasetJson.ReadScored(File("b.json", DatasetJson.Write(new[] { scored })))[0];
        Assert.Equal((5, "q", "src", "r", scored.Score), (back.Id, back.Question, back.Source, back.Response, back.Score));

        var benign = new BenignScored(2, "bq", "br", "oq", "src", [SafetyCategories.Violence], new BenignScores(5, 4, 3));
        var b = DatasetJson.ReadBenignScored(File("c.json", DatasetJson.Write(new[] { benign })))[0];
        Assert.Equal((benign.Question, benign.OriginalQuestion, benign.Score), (b.Question, b.OriginalQuestion, b.Score));

        var classified = DatasetJson.ReadClassified(File("d.json", DatasetJson.Write(new[] { new ClassifiedQuestion(9, "q", "s", ["Other"]) })));
        Assert.Equal(["Other"], classified[0].Category);
        var reasoned = DatasetJson.ReadReasoned(File("e.json", DatasetJson.Write(new[] { new ReasonedQuestion(9, "q", "s", ["Other"], "resp") })));
        Assert.Equal("resp", reasoned[0].Response);
        var bq = DatasetJson.ReadBenignQuestions(File("f.json", DatasetJson.Write(new[] { new BenignQuestion(1, "b", "o", "s", ["Other"]) })));
        Assert.Equal("o", bq[0].OriginalQuestion);
        var br = DatasetJson.ReadBenignReasoned(File("g.json", DatasetJson.Write(new[] { new BenignReasoned(1, "b", "o", "s", ["Other"], "r") })));
        Assert.Equal("r", br[0].Response);
        var collected = DatasetJson.ReadCollected(File("h.json", "[{\"id\": 0, \"question\": \"q\", \"source\": \"s\"}]"));
        Assert.Equal("q", collected[0].Question);
    }

    [Fact]
    public void Keys_a_record_does_not_use_are_ignored()
    {
        var path = File("x.json", """[{"id": 1, "question": "q", "source": "s", "category": ["Self-Harm"], "response": "r", "extra": [1], "score": {"Content_Safety_Compliance": 10, "Relevancy_and_No_Redundant_Content": 10, "Accuracy_of_Thinking_Process": 10}}]""");
        Assert.Single(DatasetJson.ReadScored(path));
    }

    private const string ScoreOk = "\"score\": {\"Content_Safety_Compliance\": 10, \"Relevancy_and_No_Redundant_Content\": 10, \"Accuracy_of_Thinking_Process\": 10}";

    [Theory]
    [InlineData("{}", "expected a JSON list of records, found an object")]
    [InlineData("[1, 2]", "item 0: expected an object, found a number")]
    [InlineData("[{\"id\": 1, \"question\": \"q\", \"source\": \"s\", \"category\": [\"Self-Harm\"], \"response\": \"r\"}]", "item 0 (id 1): key 'score' is missing")]
    [InlineData("[{\"id\": \"1\", \"question\": \"q\"}]", "item 0: key 'id' must be an integer, found a string \"1\"")]
    [InlineData("[{\"id\": 1.5, \"question\": \"q\"}]", "key 'id' must be an integer")]
    [InlineData("[{\"id\": 1, \"question\": 5, \"source\": \"s\", \"category\": [\"Self-Harm\"], \"response\": \"r\", " + ScoreOk + "}]", "item 0 (id 1): key 'question' must be a string, found a number 5")]
    [InlineData("[{\"id\": 1, \"question\": \" \", \"source\": \"s\", \"category\": [\"Self-Harm\"], \"response\": \"r\", " + ScoreOk + "}]", "key 'question' is empty")]
    [InlineData("[{\"id\": 1, \"question\": \"q\", \"source\": \"s\", \"category\": \"Self-Harm\", \"response\": \"r\", " + ScoreOk + "}]", "key 'category' must be a list of category names, found a string")]
    [InlineData("[{\"id\": 1, \"question\": \"q\", \"source\": \"s\", \"category\": [\"Hacking\"], \"response\": \"r\", " + ScoreOk + "}]", "key 'category' holds the unknown category \"Hacking\"")]
    [InlineData("[{\"id\": 1, \"question\": \"q\", \"source\": \"s\", \"category\": [], \"response\": \"r\", " + ScoreOk + "}]", "key 'category' is an empty list")]
    [InlineData("[{\"id\": 1, \"question\": \"q\", \"source\": \"s\", \"category\": [\"Self-Harm\"], \"response\": \"r\", \"score\": {\"Content_Safety_Compliance\": 11, \"Relevancy_and_No_Redundant_Content\": 10, \"Accuracy_of_Thinking_Process\": 10}}]", "key 'score' is wrong: bad scores: Content_Safety_Compliance is 11, outside 0-10")]
    [InlineData("[{\"id\": 1, \"question\": \"q\", \"source\": \"s\", \"category\": [\"Self-Harm\"], \"response\": \"r\", " + ScoreOk + "}, {\"id\": 1, \"question\": \"q\", \"source\": \"s\", \"category\": [\"Self-Harm\"], \"response\": \"r\", " + ScoreOk + "}]", "item 1: id 1 is also the id of item 0")]
    [InlineData("[{\"id\": 1,}]", "not valid JSON")]
    public void A_bad_STAR_41K_file_is_an_error_naming_the_file_item_and_key(string json, string expected)
    {
        var path = File("star41k.json", json);
        var e = Assert.Throws<DatasetFormatException>(() => DatasetJson.ReadScored(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        var path = Path.Combine(_dir, "nope.json");
        var e = Assert.Throws<DatasetFormatException>(() => DatasetJson.ReadScored(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Distributions_write_most_frequent_first()
    {
        var d = Distributions.Of(new (string, IReadOnlyList<string>)[]
        {
            ("B", [SafetyCategories.Privacy]), ("A", [SafetyCategories.Privacy, SafetyCategories.Harassment]), ("B", [SafetyCategories.IntellectualProperty]),
        });
        var json = JsonDocument.Parse(DatasetJson.Write(d)).RootElement;
        Assert.Equal(3, json.GetProperty("items").GetInt32());
        // Privacy 2 first; the two 1s in the paper's category order (Harassment before IP).
        Assert.Equal([SafetyCategories.Privacy, SafetyCategories.Harassment, SafetyCategories.IntellectualProperty],
            json.GetProperty("categories").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["B", "A"], json.GetProperty("sources").EnumerateObject().Select(p => p.Name));
        var table = Distributions.Table(d);
        Assert.Contains("category  Privacy / Personal Data", table);
        Assert.Matches(@"source\s+B\s+2\s+66\.7%", table);
        Assert.Matches(@"total\s+items\s+3", table);
    }
}
