namespace Star1.Eval.Sandbox;

/// <summary>No python3 to run programs with: an error for the whole HumanEval run, not a failed item.</summary>
public sealed class PythonNotFoundException() : Exception(Text)
{
    internal const string Text = "python3 not found on PATH: HumanEval needs it to run the tests";
}
