using Star1.Data.Collect.Sources;

namespace Star1.Data.Tests.Sources;

/// <summary>User-declared sources: conversion, the filter mini-language, and loading them.</summary>
public class CustomSourceSpecTests
{
    [Theory]
    [InlineData("label == safe", "label", FilterOperator.Equal, "safe")]
    [InlineData("  data_type!=adversarial_harmful ", "data_type", FilterOperator.NotEqual, "adversarial_harmful")]
    [InlineData("note == 'two words'", "note", FilterOperator.Equal, "two words")]
    [InlineData("note == \"\"", "note", FilterOperator.Equal, "")]
    [InlineData("1-category == O1: Toxic", "1-category", FilterOperator.Equal, "O1: Toxic")]
    public void Filters_parse(string text, string column, FilterOperator op, string value)
    {
        Assert.Equal(new RowFilter(column, op, value), RowFilter.Parse(text));
    }

    [Theory]
    [InlineData("label = safe")]
    [InlineData("label")]
    [InlineData("== safe")]
    [InlineData("a == b == c")]
    [InlineData("a == b != c")]
    public void Malformed_filters_are_refused_with_the_text_quoted(string text)
    {
        var e = Assert.Throws<FormatException>(() => RowFilter.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
    }

    [Fact]
    public void Boolean_filter_values_ignore_case_and_other_values_do_not()
    {
        var isFalse = RowFilter.Parse("is_safe == false");
        Assert.True(isFalse.Matches("False"));
        Assert.True(isFalse.Matches("false"));
        Assert.False(isFalse.Matches("true"));
        Assert.False(isFalse.Matches(null));
        var label = RowFilter.Parse("label != safe");
        Assert.True(label.Matches("Safe"));
        Assert.False(label.Matches("safe"));
        Assert.True(label.Matches(null));
    }

    [Fact]
    public void A_relative_path_is_resolved_against_the_base_folder_and_the_filter_applies()
    {
        using var m = new TempMirror();
        m.Write("mine/extra.csv", "prompt,kind,topic\nkeep me,harmful,t1\ndrop me,benign,t2\nkeep me too,harmful,\n");
        var custom = new CustomSourceSpec("MyExtra", "mine/extra.csv", "CSV", QuestionColumn: "prompt",
            CategoryColumn: "topic", Filter: "kind == harmful", SelfNgramN: 6);

        var spec = custom.ToSourceSpec(m.Root);
        Assert.Equal(SourceRole.Training, spec.Role);
        Assert.Equal(6, spec.SelfNgramN);
        Assert.Equal([m.PathOf("mine/extra.csv")], spec.FilePaths("/elsewhere/mirror"));

        var loaded = SourceLoader.LoadTraining(spec, "/elsewhere/mirror");
        Assert.Equal("MyExtra", loaded.Name);
        Assert.Equal([("keep me", "t1"), ("keep me too", (string?)null)], loaded.Questions.Select(q => (q.Text, q.Category)));
        Assert.All(loaded.Questions, q => Assert.Equal("MyExtra", q.Source));
    }

    [Fact]
    public void A_test_set_in_json_lines_with_an_absolute_path()
    {
        using var m = new TempMirror();
        var path = m.Write("abs/eval.jsonl", "{\"q\": \"a\", \"split\": \"dev\"}\n{\"q\": \"b\", \"split\": \"test\"}\n");
        var spec = new CustomSourceSpec("MyEval", path, "jsonl", "q", Filter: "split != dev", Role: "Test").ToSourceSpec("/unused");
        Assert.Equal(SourceRole.Test, spec.Role);
        Assert.Equal(["b"], SourceLoader.LoadTest(spec, "/unused").Questions);
    }

    [Fact]
    public void A_txt_source_needs_no_question_column()
    {
        using var m = new TempMirror();
        m.Write("t.txt", "one\ntwo\n");
        var spec = new CustomSourceSpec("Lines", "t.txt", "txt").ToSourceSpec(m.Root);
        Assert.Equal(["one", "two"], SourceLoader.LoadTraining(spec, m.Root).Questions.Select(q => q.Text));
    }

    [Theory]
    [InlineData("json", "[\"first question\", \"second question\"]")]
    [InlineData("jsonl", "\"first question\"\n\n\"second question\"\n")]
    public void A_list_of_strings_needs_no_question_key(string format, string content)
    {
        using var m = new TempMirror();
        m.Write($"list.{format}", content);
        var spec = new CustomSourceSpec("HarmfulQLike", $"list.{format}", format).ToSourceSpec(m.Root);
        var loaded = SourceLoader.LoadTraining(spec, m.Root);
        Assert.Equal([("first question", (string?)null), ("second question", null)], loaded.Questions.Select(q => (q.Text, q.Category)));
    }

    [Fact]
    public void Without_a_question_key_an_object_item_is_an_error_naming_its_place()
    {
        using var m = new TempMirror();
        var path = m.Write("mixed.json", "[\"fine\",\n {\"q\": \"an object\"}]");
        var spec = new CustomSourceSpec("Mixed", "mixed.json", "json").ToSourceSpec(m.Root);
        var e = Assert.Throws<SourceDataException>(() => SourceLoader.LoadTraining(spec, m.Root));
        Assert.Equal($"Mixed: {path} element 1 (line 2): expected a string (no question key is declared, so each item must be the question itself), found a object", e.Message);
    }

    [Theory]
    [InlineData("json", "[{\"data\": {\"prompt\": \"nested one\", \"meta\": {\"topic\": \"t1\", \"split\": \"test\"}}},\n {\"data\": {\"prompt\": \"nested two\", \"meta\": {\"topic\": \"t2\", \"split\": \"dev\"}}}]")]
    [InlineData("jsonl", "{\"data\": {\"prompt\": \"nested one\", \"meta\": {\"topic\": \"t1\", \"split\": \"test\"}}}\n{\"data\": {\"prompt\": \"nested two\", \"meta\": {\"topic\": \"t2\", \"split\": \"dev\"}}}\n")]
    public void Question_category_and_filter_may_be_dotted_paths_into_nested_objects(string format, string content)
    {
        using var m = new TempMirror();
        m.Write($"nested.{format}", content);
        var spec = new CustomSourceSpec("Nested", $"nested.{format}", format, "data.prompt", "data.meta.topic", "data.meta.split != dev").ToSourceSpec(m.Root);
        var loaded = SourceLoader.LoadTraining(spec, m.Root);
        Assert.Equal([("nested one", (string?)"t1")], loaded.Questions.Select(q => (q.Text, q.Category)));
    }

    [Fact]
    public void A_literal_dotted_key_wins_over_the_path_and_a_broken_path_names_what_exists()
    {
        using var m = new TempMirror();
        var path = m.Write("dots.jsonl", "{\"data.prompt\": \"literal\", \"data\": {\"prompt\": \"nested\"}}\n{\"data\": {\"text\": \"x\", \"id\": 3}}\n");
        var spec = new CustomSourceSpec("Dots", "dots.jsonl", "jsonl", "data.prompt").ToSourceSpec(m.Root);
        var e = Assert.Throws<SourceDataException>(() => SourceLoader.LoadTraining(spec, m.Root));
        Assert.Equal($"Dots: {path} line 2: key 'data.prompt' not found: 'data' has keys: text, id", e.Message);

        m.Write("dots.jsonl", "{\"data.prompt\": \"literal\", \"data\": {\"prompt\": \"nested\"}}\n{\"data\": \"flat\"}\n");
        var e2 = Assert.Throws<SourceDataException>(() => SourceLoader.LoadTraining(spec, m.Root));
        Assert.EndsWith("line 2: key 'data.prompt' not found: 'data' holds a JSON string, not an object", e2.Message);

        m.Write("dots.jsonl", "{\"data.prompt\": \"literal\", \"data\": {\"prompt\": \"nested\"}}\n");
        Assert.Equal(["literal"], SourceLoader.LoadTraining(spec, m.Root).Questions.Select(q => q.Text));
    }

    [Theory]
    [InlineData("xml", "q", null, "training", "format 'xml' is not one of")]
    [InlineData("csv", null, null, "training", "question column is required")]
    [InlineData("tsv", null, null, "training", "question column is required")]
    [InlineData("parquet", null, null, "training", "question column is required")]
    [InlineData("json", null, "kind == x", "training", "read as a list of strings, which has no keys to filter")]
    [InlineData("csv", "q", "q = x", "training", "filter 'q = x' is not of the form")]
    [InlineData("csv", "q", null, "validation", "role 'validation' is neither training nor test")]
    public void Invalid_declarations_name_the_source_and_the_field(string format, string? question, string? filter, string role, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new CustomSourceSpec("Bad", "x.csv", format, question, Filter: filter, Role: role).ToSourceSpec("/base"));
        Assert.StartsWith("custom source 'Bad': ", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
