//! A global allocator that counts the allocations of each thread, for the allocation test
//! and the benchmark: install it in the binary and read [`allocations`] around the code to
//! measure. It lives with the tests (the benchmark includes this file by path) so that no
//! `unsafe` code ships in a published crate.

/// Counts every allocation and reallocation of the calling thread, then forwards to the
/// system allocator.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many allocations (and reallocations) this thread has made through
/// [`CountingAllocator`] so far.
pub fn allocations() -> u64 {
    ALLOCATIONS.with(std::cell::Cell::get)
}

// A counting allocator has to implement `GlobalAlloc`, which is unsafe; it only forwards.
#[allow(unsafe_code)]
// SAFETY: every method forwards to `System` unchanged; counting touches a thread-local
// `Cell` of a `Copy` integer, which neither allocates nor unwinds.
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: the caller's guarantees for `layout` are passed on.
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: `pointer` was allocated by `System` with `layout`.
        unsafe { std::alloc::System.dealloc(pointer, layout) }
    }

    unsafe fn realloc(
        &self,
        pointer: *mut u8,
        layout: std::alloc::Layout,
        new_size: usize,
    ) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: as for `dealloc` and `alloc`.
        unsafe { std::alloc::System.realloc(pointer, layout, new_size) }
    }
}
