import Testing

@testable import RondaCore

/// The one duration parser of scenario files, `ronda.yml` and the command line.
struct DurationTextTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("5m", .seconds(300)), ("2h", .seconds(7_200)),
        ("1d", .seconds(86_400)), ("30d", .seconds(2_592_000)), ("90", .seconds(90)), ("1.5s", .milliseconds(1_500)),
        ("0.25", .milliseconds(250)), ("10 s", .seconds(10)), (" 2M ", .seconds(120)), ("100ms", .milliseconds(100)),
        ("0s", .zero), ("0.5ms", .microseconds(500)), (".5s", .milliseconds(500)), ("10000d", DurationText.maximum),
    ])
    func readsEveryUnit(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected, "\(text)")
    }

    @Test(arguments: [
        "", " ", "s", "ms", "soon", "-5s", "+5s", "-1", "5x", "5 sec", "1e3s", "0x10s", "nan", "inf", "infinity",
        "1.2.3s",
        "5s5", "10001d", "99999999999999999999d", "9223372036854775807s", "1_000s", "½s", "٣s",
    ])
    func rejectsWhatIsNotADuration(text: String) {
        #expect(DurationText.parse(text) == nil, "\(text)")
    }

    @Test(arguments: [
        (Duration.milliseconds(500), "500ms"), (.seconds(30), "30s"), (.seconds(300), "5m"), (.seconds(7_200), "2h"),
        (.seconds(86_400), "1d"), (.zero, "0s"), (.milliseconds(1_500), "1.5s"), (.seconds(90), "90s"),
    ])
    func formatsTheShortestWayItReadsBack(duration: Duration, text: String) {
        #expect(DurationText.format(duration) == text)
        #expect(DurationText.parse(text) == duration)
    }

    @Test func inSecondsKeepsFractions() {
        #expect(Duration.milliseconds(1_500).inSeconds == 1.5)
        #expect(Duration.seconds(-2).inSeconds == -2)
    }

    @Test func scenarioAndConfigurationKeysUseIt() throws {
        let scenario = try ScenarioLoader.parse(
            "scenario: D\ntimeout: 1d\nsteps:\n  - name: a\n    get: /\n    timeout: 250ms\n"
                + "    retry: { until: 'true', timeout: 2m, interval: 1.5s }\n",
            file: "d.yml"
        )
        #expect(scenario.timeout == .seconds(86_400))
        #expect(scenario.steps[0].timeout == .milliseconds(250))
        #expect(scenario.steps[0].retry?.timeout == .seconds(120))
        #expect(scenario.steps[0].retry?.interval == .milliseconds(1_500))
        let config = try RondaConfig.parse("defaults:\n  delay_between: 2s\n  request_timeout: 1m\n", file: "ronda.yml")
        #expect(config.defaults.delayBetween == .seconds(2))
        #expect(config.defaults.requestTimeout == .seconds(60))
    }

    @Test func aBadDurationInAFileNamesTheKeyAndNeverCrashes() {
        for bad in ["-1s", "1e400s", "99999999999999999999999999h", "soon", "2d"] {
            #expect {
                _ = try ScenarioLoader.parse(
                    "scenario: D\ntimeout: \(bad)\nsteps:\n  - name: a\n    get: /\n",
                    file: "d.yml"
                )
            } throws: { error in
                guard let e = error as? SourceFileError else { return false }
                return e.message.contains("the scenario timeout") && e.message.contains("expected a duration")
            }
        }
    }
}
