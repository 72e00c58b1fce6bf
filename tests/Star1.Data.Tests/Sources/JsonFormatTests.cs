using Star1.Data.Collect.Sources;

namespace Star1.Data.Tests.Sources;

/// <summary>JSON and JSON Lines: both layouts accepted, big arrays streamed, errors located.</summary>
public class JsonFormatTests
{
    private static SourceSpec Json(string file, RecordMapping mapping, SourceFormat format = SourceFormat.Json) => new()
    {
        Name = "UltraSafety",
        Role = SourceRole.Training,
        SelfNgramN = 7,
        Format = format,
        Files = [new SourceFile(file)],
        Mapping = mapping,
    };

    private static readonly RecordMapping Instruction = new() { Question = "instruction", CategoryFields = ["source"] };

    [Theory]
    [InlineData(SourceFormat.Json)]
    [InlineData(SourceFormat.JsonLines)]
    public void An_array_and_json_lines_give_the_same_questions_whatever_the_declared_format(SourceFormat declared)
    {
        using var m = new TempMirror();
        m.Write("UltraSafety/array.json", """
            [
              {"instruction": "First?", "source": "a"},
              {"instruction": "Second, with \"quotes\" and \u00e9", "source": "b", "nested": {"x": [1, 2]}}
            ]
            """);
        m.Write("UltraSafety/lines.json",
            "{\"instruction\": \"First?\", \"source\": \"a\"}\r\n\r\n{\"instruction\": \"Second, with \\\"quotes\\\" and \\u00e9\", \"source\": \"b\"}\n");

        var fromArray = SourceLoader.Load(Json("array.json", Instruction, declared), m.Root).Questions;
        var fromLines = SourceLoader.Load(Json("lines.json", Instruction, declared), m.Root).Questions;
        Assert.Equal([("First?", "a"), ("Second, with \"quotes\" and é", "b")], fromArray.Select(q => (q.Text, q.Category!)));
        Assert.Equal(fromArray, fromLines);
    }

    [Fact]
    public void A_big_array_is_streamed_across_read_buffers_including_an_element_larger_than_the_buffer()
    {
        using var m = new TempMirror();
        var big = new string('z', 200_000);
        var items = Enumerable.Range(0, 3000).Select(i => i == 1500
            ? $$"""{"instruction": "{{big}}"}"""
            : $$"""{"instruction": "item {{i}}", "pad": "{{new string('p', i % 50)}}"}""");
        m.Write("UltraSafety/UltraSafety.json", "\uFEFF[\n" + string.Join(",\n", items) + "\n]\n");
        var qs = SourceLoader.Load(Json("UltraSafety.json", new RecordMapping { Question = "instruction" }), m.Root).Questions;
        Assert.Equal(3000, qs.Count);
        Assert.Equal("item 0", qs[0].Text);
        Assert.Equal(big, qs[1500].Text);
        Assert.Equal("item 2999", qs[^1].Text);
    }

    [Fact]
    public void A_malformed_json_lines_record_names_its_line()
    {
        using var m = new TempMirror();
        m.Write("UltraSafety/x.jsonl", "{\"instruction\": \"ok\"}\n\n{\"instruction\": \"broken\n{\"instruction\": \"never read\"}\n");
        var e = Assert.Throws<SourceDataException>(() =>
            SourceLoader.Load(Json("x.jsonl", new RecordMapping { Question = "instruction" }, SourceFormat.JsonLines), m.Root));
        Assert.StartsWith("UltraSafety: UltraSafety/x.jsonl line 3", e.Message);
        Assert.Contains("malformed JSON", e.Message);
    }

    [Fact]
    public void A_malformed_array_element_names_its_line()
    {
        using var m = new TempMirror();
        m.Write("UltraSafety/x.json", "[\n{\"instruction\": \"ok\"},\n{\"instruction\": \"ok too\"},\n{\"instruction\" \"missing colon\"}\n]");
        var e = Assert.Throws<SourceDataException>(() =>
            SourceLoader.Load(Json("x.json", new RecordMapping { Question = "instruction" }), m.Root));
        Assert.StartsWith("UltraSafety: UltraSafety/x.json line 4", e.Message);
        Assert.Contains("malformed JSON", e.Message);
    }

    [Fact]
    public void A_truncated_array_is_an_error()
    {
        using var m = new TempMirror();
        m.Write("UltraSafety/x.json", "[{\"instruction\": \"ok\"}, {\"instruction\": \"cut");
        var e = Assert.Throws<SourceDataException>(() =>
            SourceLoader.Load(Json("x.json", new RecordMapping { Question = "instruction" }), m.Root));
        Assert.Contains("UltraSafety/x.json", e.Message);
    }

    [Fact]
    public void A_record_without_the_key_names_the_element_and_lists_its_keys()
    {
        using var m = new TempMirror();
        m.Write("UltraSafety/x.json", "[\n{\"instruction\": \"ok\"},\n{\"prompt\": \"wrong key\", \"id\": 3}\n]");
        var e = Assert.Throws<SourceDataException>(() =>
            SourceLoader.Load(Json("x.json", new RecordMapping { Question = "instruction" }), m.Root));
        Assert.Equal("UltraSafety: UltraSafety/x.json element 1 (line 3): key 'instruction' not found; keys are: prompt, id", e.Message);
    }

    [Fact]
    public void A_question_that_is_not_text_is_an_error_and_null_is_skipped_and_counted()
    {
        using var m = new TempMirror();
        m.Write("UltraSafety/x.jsonl", "{\"instruction\": null}\n{\"instruction\": \"fine\"}\n{\"instruction\": {\"text\": \"nested\"}}\n");
        var e = Assert.Throws<SourceDataException>(() =>
            SourceLoader.Load(Json("x.jsonl", new RecordMapping { Question = "instruction" }), m.Root));
        Assert.Contains("x.jsonl line 3: key 'instruction' holds a JSON object, not text", e.Message);

        m.Write("UltraSafety/y.jsonl", "{\"instruction\": null}\n{\"instruction\": \"fine\"}\n");
        var ok = SourceLoader.Load(Json("y.jsonl", new RecordMapping { Question = "instruction" }), m.Root);
        Assert.Equal(["fine"], ok.Questions.Select(q => q.Text));
        Assert.Equal(1, ok.Counts.EmptyQuestion);
    }

    [Fact]
    public void Bare_strings_are_refused_unless_the_mapping_accepts_them()
    {
        using var m = new TempMirror();
        m.Write("UltraSafety/x.json", "[\"just a string\"]");
        var e = Assert.Throws<SourceDataException>(() =>
            SourceLoader.Load(Json("x.json", new RecordMapping { Question = "instruction" }), m.Root));
        Assert.Contains("element 0 (line 1): expected an object with key 'instruction', found a string", e.Message);
    }

    [Fact]
    public void Parallel_lists_need_their_keys()
    {
        using var m = new TempMirror();
        m.Write("UltraSafety/x.json", """{"questions": ["a"]}""");
        var e = Assert.Throws<SourceDataException>(() => SourceLoader.Load(
            Json("x.json", new RecordMapping { Question = "instructions", ParallelLists = ["instructions"] }), m.Root));
        Assert.Equal("UltraSafety: UltraSafety/x.json: key 'instructions' not found; keys are: questions", e.Message);
    }
}
