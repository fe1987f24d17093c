#if canImport(Glibc)
import Glibc
#endif

/// Gives the allocator's free memory back to the system. glibc keeps freed pages inside its
/// arenas (one per thread that allocated, up to 8 × cores), so a long-running process whose
/// threads take turns allocating grows its resident size in small steps that are free memory,
/// not live data (docs/performance.md, the worker soak). `malloc_trim(0)` returns every whole
/// free page of every arena. A no-op where the C library has no such call.
public enum HeapTrim {
    #if canImport(Glibc)
    /// glibc's `malloc_trim`, looked up once (Swift's Glibc module does not export malloc.h).
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()
    #endif

    /// Returns `true` when memory was given back.
    @discardableResult
    public static func returnFreeMemory() -> Bool {
        #if canImport(Glibc)
        return (mallocTrim?(0) ?? 0) != 0
        #else
        return false
        #endif
    }
}
