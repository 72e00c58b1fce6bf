namespace Star1.Eval.Benchmarks;

/// <summary>
/// One question of a benchmark, ready to send: <see cref="Prompt"/> is the whole user message (the
/// instruction wording included, no system prompt: the paper evaluates without one).
/// </summary>
/// <param name="Id">Stable across runs: taken from the dataset's own id where it has one, else the row's
/// position in the file (or in the seeded sample), so caches and per-item results line up.</param>
/// <param name="Prompt">The user message exactly as sent to the model.</param>
/// <param name="Answer">The reference: an integer (AIME), a LaTeX answer (MATH-500), a letter (GPQA,
/// MMLU-Pro); null where a judge decides (the safety and over-refusal sets) and for HumanEval (its tests decide).</param>
/// <param name="Test">HumanEval only: the Python test code defining <c>check(candidate)</c>.</param>
/// <param name="EntryPoint">HumanEval only: the name of the function the tests call.</param>
/// <param name="Category">Optional metadata: the harm category or the subject.</param>
/// <param name="CodePrompt">HumanEval only: the dataset's code prompt itself (signature and docstring), which the
/// program run in the sandbox starts from; <see cref="Prompt"/> wraps it in the instruction.</param>
public sealed record BenchmarkItem(
    string Id,
    string Prompt,
    string? Answer = null,
    string? Test = null,
    string? EntryPoint = null,
    string? Category = null,
    string? CodePrompt = null);
