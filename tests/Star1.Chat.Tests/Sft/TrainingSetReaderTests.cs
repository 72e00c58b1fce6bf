using Star1.Chat.Sft;

namespace Star1.Chat.Tests.Sft;

public class TrainingSetReaderTests
{
    private static string Write(string json)
    {
        var path = Path.Combine(TestFiles.TempFolder(), "train.json");
        File.WriteAllText(path, json);
        return path;
    }

    private const string R = "<think>\\nr\\n</think>\\n\\na";

    [Fact]
    public void ReadsTheCombinedSetWithOriginsInTheKey()
    {
        var path = Write($$"""
            [{"id": 0, "origin": "star1", "question": "q0", "response": "{{R}}"},
             {"id": 0, "origin": "benign", "question": "b0", "response": "{{R}}"}]
            """);
        var items = TrainingSetReader.Read(path);
        Assert.Equal([new SftItem("star1/0", "q0", "<think>\nr\n</think>\n\na"), new SftItem("benign/0", "b0", "<think>\nr\n</think>\n\na")], items);
    }

    [Fact]
    public void ReadsTheReleasedStarOneFile()
    {
        var path = Write($$$"""
            [{"id": 12, "question": "q", "response": "{{{R}}}", "category": ["Violence"], "source": "PKU",
              "score": {"Content_Safety_Compliance": 10, "Quality_of_Thinking_Process": 10, "Compliance_Degree": 10}}]
            """);
        Assert.Equal([new SftItem("star1/12", "q", "<think>\nr\n</think>\n\na")], TrainingSetReader.Read(path));
    }

    [Theory]
    [InlineData("{}", "expected a JSON list")]
    [InlineData("[]", "the training set is empty")]
    [InlineData("[1", "not valid JSON")]
    [InlineData("[\"q\"]", "item 0: expected an object")]
    [InlineData("[{\"id\": 1, \"question\": \"q\", \"response\": \"r\"}]", "item 0 (id 1): neither the combined layout")]
    [InlineData("[{\"id\": 1, \"origin\": \"star1\", \"question\": \"q\"}]", "item 0 (id 1): missing 'response'")]
    [InlineData("[{\"id\": 1, \"origin\": \"star1\", \"question\": \"q\", \"response\": \"r\", \"note\": 1}]", "item 0 (id 1): unexpected key(s) 'note'")]
    [InlineData("[{\"id\": \"1\", \"origin\": \"star1\", \"question\": \"q\", \"response\": \"r\"}]", "item 0: 'id' must be a whole number")]
    [InlineData("[{\"id\": 1, \"origin\": \"star1\", \"question\": \" \", \"response\": \"r\"}]", "item 0 (id 1): 'question' is empty")]
    [InlineData("[{\"id\": 1, \"origin\": \"star1\", \"question\": \"q\", \"response\": 5}]", "item 0 (id 1): 'response' must be string, found number")]
    [InlineData("[{\"id\": 1, \"origin\": \"star1\", \"question\": \"q\", \"response\": \"r\"}, {\"id\": 1, \"origin\": \"star1\", \"question\": \"q\", \"response\": \"r\"}]", "item 1 (id 1): 'star1/1' appears twice")]
    [InlineData("[{\"id\": 1, \"question\": \"q\", \"response\": \"r\", \"category\": \"Violence\", \"source\": \"s\", \"score\": {}}]", "item 0 (id 1): 'category' must be array, found string")]
    [InlineData("[{\"id\": 1, \"origin\": \"star1\", \"question\": \"q\", \"response\": \"r\"}, {\"id\": 2, \"question\": \"q\", \"response\": \"r\", \"category\": [], \"source\": \"s\", \"score\": {}}]", "item 1 (id 2): missing 'origin'")]
    public void RefusesAnythingElseNamingTheFileAndItem(string json, string message)
    {
        var path = Write(json);
        var e = Assert.Throws<InvalidDataException>(() => TrainingSetReader.Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(message, e.Message);
    }
}
