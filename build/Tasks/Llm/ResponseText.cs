using Star1.Llm;

namespace Star1.Build.Tasks.Llm;

/// <summary>
/// What a reasoning stage keeps of an answer: the released form <c>&lt;think&gt;\n{reasoning}\n&lt;/think&gt;\n\n{answer}</c>.
/// An answer with no final text (all reasoning, or nothing) is not a response: it is asked again.
/// </summary>
public static class ResponseText
{
    public static ParseResult<string> Parse(ChatAnswer answer) =>
        string.IsNullOrWhiteSpace(answer.Content)
            ? ParseResult<string>.Failure("the answer has no final text after the reasoning")
            : ParseResult<string>.Success(answer.StoredText);
}
