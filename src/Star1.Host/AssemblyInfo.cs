// The host decides how stages run, not what they produce: it is left out of stage code hashes.
[assembly: Star1.Pipeline.Code.EngineAssembly]
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Star1.Pipeline.Tests")]
