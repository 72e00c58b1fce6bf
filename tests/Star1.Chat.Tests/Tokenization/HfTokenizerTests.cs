using System.Text.Json.Nodes;
using Star1.Chat.Tokenization;

namespace Star1.Chat.Tests.Tokenization;

public class HfTokenizerTests
{
    [Fact]
    public void EncodesWordsAndAddedTokensAsTheFixtureNumbersThem()
    {
        using var t = TestFiles.Tiny();
        // "How" 16, " " 1, "do" 17, "<think>" 140 (an added token inside text is one id), "\n" 2, "</think>" 141.
        Assert.Equal([16, 1, 17, 140, 2, 141], t.Encode("How do<think>\n</think>"));
        Assert.Equal([0], t.Encode("zebra")); // not in the vocabulary: <unk>
        Assert.Empty(t.Encode(""));
    }

    [Fact]
    public void SizesAndNamedTokensComeFromTheFiles()
    {
        using var t = TestFiles.Tiny();
        Assert.Equal(150, t.VocabSize); // 136 words + 14 added
        Assert.Equal(136, t.BosId);
        Assert.Equal(137, t.EosId);
        Assert.Equal(137, t.PadId);
        Assert.Equal(149, t.TokenId("<|eot_id|>"));
        Assert.Equal(22, t.TokenId("Locks"));
        Assert.Null(t.FindTokenId("<|not_a_token|>"));
        var e = Assert.Throws<InvalidOperationException>(() => t.TokenId("<|not_a_token|>"));
        Assert.Contains("<|not_a_token|>", e.Message);
    }

    [Fact]
    public void DecodeDropsSpecialTokensOnlyWhenAskedAndKeepsNonSpecialAddedOnes()
    {
        using var t = TestFiles.Tiny();
        int[] ids = [136, 138, 16, 1, 17, 139, 140, 2, 141, 3, 29, 137];
        Assert.Equal("<｜begin▁of▁sentence｜><｜User｜>How do<｜Assistant｜><think>\n</think>\n\nFine<｜end▁of▁sentence｜>", t.Decode(ids, skipSpecial: false));
        // <think> and </think> are added but not special (as in the R1 distills): they stay.
        Assert.Equal("How do<think>\n</think>\n\nFine", t.Decode(ids, skipSpecial: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Decode([150]));
    }

    [Fact]
    public void ThePostProcessorsImplicitBosIsTakenOffBecauseFormatsWriteTheirOwn()
    {
        // Llama 3's tokenizer.json wraps every encoding as <|begin_of_text|> $A; this copy of the fixture does too.
        var json = JsonNode.Parse(File.ReadAllText(TestFiles.TinyJson))!;
        json["post_processor"] = JsonNode.Parse("""
            {"type": "TemplateProcessing",
             "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
             "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
             "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [145], "tokens": ["<|begin_of_text|>"]}}}
            """);
        var dir = TestFiles.TempFolder();
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), json.ToJsonString());
        using var t = HfTokenizer.Load(dir);
        Assert.Equal([16, 1, 17], t.Encode("How do"));
        Assert.Equal([145, 16], t.Encode("<|begin_of_text|>How")); // a BOS the text asks for stays, once
        Assert.Null(t.BosId); // no tokenizer_config.json in that folder
    }

    [Fact]
    public void AddedTokensNumberedAwayFromTheVocabularyAreRefused()
    {
        // The native library renumbers added tokens that do not follow the vocabulary; decoding by the file's ids
        // would then be wrong, so the file is refused with the token named.
        var json = JsonNode.Parse(File.ReadAllText(TestFiles.TinyJson))!;
        json["added_tokens"]![0]!["id"] = 500;
        var path = Path.Combine(TestFiles.TempFolder(), "tokenizer.json");
        File.WriteAllText(path, json.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => HfTokenizer.Load(path));
        Assert.Contains("<｜begin▁of▁sentence｜>", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void MissingOrBrokenFilesAreClearErrors()
    {
        var dir = TestFiles.TempFolder();
        Assert.Contains(Path.Combine(dir, "tokenizer.json"), Assert.Throws<FileNotFoundException>(() => HfTokenizer.Load(dir)).Message);

        File.Copy(TestFiles.TinyJson, Path.Combine(dir, "tokenizer.json"));
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"eos_token": "<|nope|>"}""");
        var e = Assert.Throws<InvalidDataException>(() => HfTokenizer.Load(dir));
        Assert.Contains("eos_token '<|nope|>'", e.Message);

        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), "{\"version\": \"1.0\"}");
        Assert.Contains("no 'model'", Assert.Throws<InvalidDataException>(() => HfTokenizer.Load(dir, TokenizerConfig.None)).Message);
    }

    [Theory]
    // "$A </s>"-style: a token after the sequence (here <|eot_id|>, 149) is a suffix to take off.
    [InlineData("""{"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "<|eot_id|>", "type_id": 0}}], "pair": [], "special_tokens": {"<|eot_id|>": {"id": "<|eot_id|>", "ids": [149], "tokens": ["<|eot_id|>"]}}}""")]
    // BERT's [CLS] $A [SEP], with ids given inline.
    [InlineData("""{"type": "BertProcessing", "cls": ["<|begin_of_text|>", 145], "sep": ["<|eot_id|>", 149]}""")]
    // A Sequence of processors: ByteLevel adds nothing, the template adds BOS.
    [InlineData("""{"type": "Sequence", "processors": [{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false}, {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}], "pair": [], "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [145], "tokens": ["<|begin_of_text|>"]}}}]}""")]
    public void EveryKindOfPostProcessorIsUndone(string postProcessor)
    {
        var json = JsonNode.Parse(File.ReadAllText(TestFiles.TinyJson))!;
        json["post_processor"] = JsonNode.Parse(postProcessor);
        var path = Path.Combine(TestFiles.TempFolder(), "tokenizer.json");
        File.WriteAllText(path, json.ToJsonString());
        using var t = HfTokenizer.Load(path);
        Assert.Equal([16, 1, 17, 149], t.Encode("How do<|eot_id|>"));
    }

    [Fact]
    public void AnUnknownPostProcessorIsRefusedByName()
    {
        var json = JsonNode.Parse(File.ReadAllText(TestFiles.TinyJson))!;
        json["post_processor"] = JsonNode.Parse("""{"type": "Mystery"}""");
        var path = Path.Combine(TestFiles.TempFolder(), "tokenizer.json");
        File.WriteAllText(path, json.ToJsonString());
        Assert.Contains("post_processor type 'Mystery'", Assert.Throws<InvalidDataException>(() => HfTokenizer.Load(path)).Message);
    }

    [Fact]
    public void AUnigramVocabularyIsNumberedByPosition()
    {
        // SentencePiece-style files list [piece, score] pairs; a piece's id is its position.
        var dir = TestFiles.TempFolder();
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), """
            {"version": "1.0", "added_tokens": [], "normalizer": null, "pre_tokenizer": {"type": "WhitespaceSplit"},
             "post_processor": null, "decoder": null,
             "model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["lock", -1.0], ["pick", -1.5]]}}
            """);
        using var t = HfTokenizer.Load(dir);
        Assert.Equal(2, t.TokenId("pick"));
        Assert.Equal([2, 1], t.Encode("pick lock"));
        Assert.Equal(3, t.VocabSize);
    }

    [Fact]
    public void ATokenizerConfigThatIsNotJsonNamesItsFile()
    {
        var dir = TestFiles.TempFolder();
        File.Copy(TestFiles.TinyJson, Path.Combine(dir, "tokenizer.json"));
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), "{ nope");
        var e = Assert.Throws<InvalidDataException>(() => HfTokenizer.Load(dir));
        Assert.StartsWith(Path.Combine(dir, "tokenizer_config.json") + ": not valid JSON", e.Message);
    }
}
