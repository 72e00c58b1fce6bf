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
    [InlineData("xml", "q", null, "training", "format 'xml' is not one of")]
    [InlineData("csv", null, null, "training", "question column is required")]
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
