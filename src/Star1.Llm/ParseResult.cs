namespace Star1.Llm;

/// <summary>
/// A strict parser's verdict on an answer: a value, or why the answer is not acceptable. Parsers run when an
/// answer is read (from the cache or the wire), never before it is cached, so a parser fix needs no new request.
/// </summary>
public readonly record struct ParseResult<T>(T? Value, string? Error)
{
    public bool Ok => Error is null;
    public static ParseResult<T> Success(T value) => new(value, null);
    public static ParseResult<T> Failure(string error) => new(default, error);
}
