// The engine decides how stages run, not what they produce: it is left out of stage code hashes.
[assembly: Star1.Pipeline.Code.EngineAssembly]
