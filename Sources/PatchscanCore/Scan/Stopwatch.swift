extension Clock where Duration == Swift.Duration {
    /// Starts measuring on this clock; the returned closure reads the time elapsed since.
    func stopwatch() -> @Sendable () -> Duration {
        let start = now
        return { start.duration(to: self.now) }
    }
}
