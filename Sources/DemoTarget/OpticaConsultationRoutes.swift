import Foundation
import Hummingbird

/// The consultation: the doctor attends a patient, records the clinical history, a refraction
/// exam and a prescription (fórmula), and finishes. Owners and doctors only; JSON in and out.
///
/// | route | answer |
/// |---|---|
/// | `POST /consultations/` `{patient_id, appointment_id?}` | 201 the consultation |
/// | `GET /consultations/{id}/` | the consultation |
/// | `POST /consultations/{id}/history/` `{reason, symptoms?, background?, notes?}` | 200 |
/// | `POST /consultations/{id}/refraction/` `{od: {sphere, cylinder, axis}, oi: {…}, add?, pd?, visual_acuity?: {od, oi}}` | 201 |
/// | `POST /consultations/{id}/prescription/` `{lens_type, notes?}` | 201 the prescription with its formula |
/// | `POST /consultations/{id}/finish/` | 200; its appointment becomes `completed` |
/// | `DELETE /consultations/{id}/` | 200 (discard a record made in error) |
/// | `GET /patients/{id}/history/` | the patient's consultations |
/// | `GET /prescriptions/{id}/` | the printable prescription (HTML) |
extension OpticaRoutes {
    /// Roles that see patients clinically.
    static let clinicians: Set<String> = ["owner", "doctor"]

    func registerConsultations(on router: Router<BasicRequestContext>) {
        router.post(
            "/consultations/",
            use: signedIn(roles: Self.clinicians, writes: true) { request, _, user in
                try await startConsultation(request, doctor: user.account.displayName)
            }
        )
        router.get(
            "/consultations/:id/",
            use: signedIn(roles: Self.clinicians) { _, context, _ in
                guard let id = context.parameters.get("id", as: Int.self), let consultation = store.consultation(id: id)
                else {
                    return HTTPReply.error(.notFound, "no such consultation")
                }
                return HTTPReply.json(.ok, ConsultationBody(consultation))
            }
        )
        router.post(
            "/consultations/:id/history/",
            use: signedIn(roles: Self.clinicians, writes: true) { request, context, _ in
                try await recordHistory(request, id: context.parameters.get("id", as: Int.self))
            }
        )
        router.post(
            "/consultations/:id/refraction/",
            use: signedIn(roles: Self.clinicians, writes: true) { request, context, _ in
                try await recordRefraction(request, id: context.parameters.get("id", as: Int.self))
            }
        )
        router.post(
            "/consultations/:id/prescription/",
            use: signedIn(roles: Self.clinicians, writes: true) { request, context, _ in
                try await prescribe(request, id: context.parameters.get("id", as: Int.self))
            }
        )
        router.post(
            "/consultations/:id/finish/",
            use: signedIn(roles: Self.clinicians, writes: true) { _, context, _ in
                reply(store.finishConsultation(id: context.parameters.get("id", as: Int.self) ?? 0), status: .ok)
            }
        )
        router.delete(
            "/consultations/:id/",
            use: signedIn(roles: Self.clinicians, writes: true) { _, context, _ in
                guard let id = context.parameters.get("id", as: Int.self), store.deleteConsultation(id: id) else {
                    return HTTPReply.error(.notFound, "no such consultation")
                }
                return HTTPReply.json(.ok, ["deleted": id])
            }
        )
        router.get(
            "/patients/:id/history/",
            use: signedIn(roles: Self.clinicians) { _, context, _ in
                guard let id = context.parameters.get("id", as: Int.self), let history = store.history(patient: id)
                else {
                    return HTTPReply.error(.notFound, "no such patient")
                }
                let (patient, consultations) = history
                return HTTPReply.json(
                    .ok,
                    HistoryBody(
                        patientID: patient.id,
                        fullName: patient.fullName,
                        consultations: consultations.map { ConsultationBody($0) }
                    )
                )
            }
        )
        router.get(
            "/prescriptions/:id/",
            use: signedIn(roles: Self.clinicians) { _, context, _ in
                guard let id = context.parameters.get("id", as: Int.self), let found = store.prescription(id: id) else {
                    return HTTPReply.html(
                        .notFound,
                        "<!doctype html><title>No encontrada</title><h1>No existe esa fórmula</h1>"
                    )
                }
                return prescriptionPage(found.0, consultation: found.1, patient: found.2)
            }
        )
    }

    // MARK: Requests

    struct StartRequest: Decodable {
        var patientID: LenientInt
        var appointmentID: LenientInt?
        enum CodingKeys: String, CodingKey {
            case patientID = "patient_id"
            case appointmentID = "appointment_id"
        }
    }

    func startConsultation(_ request: Request, doctor: String) async throws -> Response {
        guard let body = try await HTTPReply.decode(StartRequest.self, from: request) else {
            return HTTPReply.error(
                .badRequest,
                "send JSON with patient_id (and appointment_id when attending an appointment)"
            )
        }
        switch store.startConsultation(
            patient: body.patientID.value,
            appointment: body.appointmentID?.value,
            doctor: doctor
        ) {
        case .started(let consultation): return HTTPReply.json(.created, ConsultationBody(consultation))
        case .noSuchPatient: return HTTPReply.error(.notFound, "no such patient")
        case .noSuchAppointment: return HTTPReply.error(.notFound, "no such appointment")
        case .appointmentOfAnotherPatient:
            return HTTPReply.error(.badRequest, "the appointment belongs to another patient")
        case .appointmentNotScheduled(let status):
            return HTTPReply.error(.conflict, "the appointment is \(status.rawValue), not scheduled")
        case .tooMany: return HTTPReply.error(.serviceUnavailable, "too many consultations; delete some first")
        }
    }

    struct HistoryRequest: Decodable {
        var reason: String?
        var symptoms: String?
        var background: String?
        var notes: String?
    }

    func recordHistory(_ request: Request, id: Int?) async throws -> Response {
        guard let body = try await HTTPReply.decode(HistoryRequest.self, from: request) else {
            return HTTPReply.error(.badRequest, "send JSON with reason (and symptoms, background, notes)")
        }
        func clean(_ text: String?) -> String {
            String((text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(2000))
        }
        guard !clean(body.reason).isEmpty else {
            return HTTPReply.error(.badRequest, "reason is required: why did the patient come?")
        }
        let notes = ClinicalNotes(
            reason: clean(body.reason),
            symptoms: clean(body.symptoms),
            background: clean(body.background),
            notes: clean(body.notes)
        )
        return reply(
            store.updateConsultation(id: id ?? 0) { consultation, _ in
                consultation.notes = notes
                return nil
            },
            status: .ok
        )
    }

    struct EyeRequest: Decodable {
        var sphere: Diopters
        var cylinder: Diopters?
        var axis: LenientInt?
    }

    struct RefractionRequest: Decodable {
        struct Acuity: Decodable {
            var od: String?
            var oi: String?
        }
        var od: EyeRequest
        var oi: EyeRequest
        var add: Diopters?
        var pd: LenientInt?
        var visualAcuity: Acuity?
        enum CodingKeys: String, CodingKey {
            case od, oi, add, pd
            case visualAcuity = "visual_acuity"
        }
    }

    func recordRefraction(_ request: Request, id: Int?) async throws -> Response {
        guard let body = try await HTTPReply.decode(RefractionRequest.self, from: request) else {
            return HTTPReply.error(
                .badRequest,
                "send JSON like {\"od\": {\"sphere\": -2.0, \"cylinder\": -0.75, \"axis\": 180}, \"oi\": {…}, \"add\": 0, \"pd\": 62}"
            )
        }
        var problems: [String] = []
        func eye(_ name: String, _ e: EyeRequest) -> EyeRefraction {
            let sphere = e.sphere.hundredths
            let cylinder = e.cylinder?.hundredths ?? 0
            let axis = e.axis?.value ?? 0
            if !(-2000...2000).contains(sphere) || sphere % 25 != 0 {
                problems.append("\(name).sphere must be -20.00 to +20.00 in steps of 0.25")
            }
            if !(-1000...1000).contains(cylinder) || cylinder % 25 != 0 {
                problems.append("\(name).cylinder must be -10.00 to +10.00 in steps of 0.25")
            }
            if !(0...180).contains(axis) || (cylinder != 0 && axis == 0) {
                problems.append("\(name).axis must be a whole number of degrees from 1 to 180")
            }
            return EyeRefraction(sphere: sphere, cylinder: cylinder, axis: axis)
        }
        let od = eye("od", body.od)
        let oi = eye("oi", body.oi)
        let add = body.add?.hundredths ?? 0
        if !(0...400).contains(add) || add % 25 != 0 { problems.append("add must be 0.00 to +4.00 in steps of 0.25") }
        if let pd = body.pd?.value, !(40...80).contains(pd) { problems.append("pd must be 40 to 80 mm") }
        guard problems.isEmpty else {
            return HTTPReply.json(
                .badRequest,
                FieldProblems(error: problems.joined(separator: "; "), problems: problems)
            )
        }
        let exam = RefractionExam(
            od: od,
            oi: oi,
            add: add,
            pd: body.pd?.value,
            acuityOD: body.visualAcuity?.od.map { String($0.prefix(20)) },
            acuityOI: body.visualAcuity?.oi.map { String($0.prefix(20)) }
        )
        return reply(
            store.updateConsultation(id: id ?? 0) { consultation, _ in
                consultation.exam = exam
                return nil
            },
            status: .created
        )
    }

    struct FieldProblems: Encodable {
        var error: String
        var problems: [String]
    }

    struct PrescriptionRequest: Decodable {
        var lensType: String?
        var notes: String?
        enum CodingKeys: String, CodingKey {
            case lensType = "lens_type"
            case notes
        }
    }

    static let lensTypes = ["monofocal", "bifocal", "progressive", "contact"]

    func prescribe(_ request: Request, id: Int?) async throws -> Response {
        let body = try await HTTPReply.decode(PrescriptionRequest.self, from: request) ?? PrescriptionRequest()
        let lens = (body.lensType ?? "monofocal").lowercased()
        guard Self.lensTypes.contains(lens) else {
            return HTTPReply.error(.badRequest, "lens_type must be one of \(Self.lensTypes.joined(separator: ", "))")
        }
        let swapped = faults.isOn(OpticaFaults.prescriptionEyesSwapped)
        let outcome = store.updateConsultation(id: id ?? 0) { consultation, clinical in
            guard let exam = consultation.exam else {
                return "record a refraction exam before writing the prescription"
            }
            if ["bifocal", "progressive"].contains(lens), exam.add == 0 {
                return "a \(lens) lens needs a near addition (add) in the refraction exam"
            }
            consultation.prescription = Prescription(
                id: clinical.nextPrescriptionID,
                lensType: lens,
                od: swapped ? exam.oi : exam.od,
                oi: swapped ? exam.od : exam.oi,
                add: exam.add,
                notes: String((body.notes ?? "").prefix(2000))
            )
            clinical.nextPrescriptionID += 1
            return nil
        }
        if case .changed(let consultation) = outcome, let prescription = consultation.prescription {
            return HTTPReply.json(.created, PrescriptionBody(prescription, consultation: consultation.id))
        }
        return reply(outcome, status: .created)
    }

    /// The answer for a change to a consultation.
    func reply(_ outcome: OpticaStore.ConsultationChange, status: HTTPResponse.Status) -> Response {
        switch outcome {
        case .changed(let consultation): return HTTPReply.json(status, ConsultationBody(consultation))
        case .notFound: return HTTPReply.error(.notFound, "no such consultation")
        case .closed: return HTTPReply.error(.conflict, "the consultation is finished and can no longer change")
        case .missing(let message): return HTTPReply.error(.conflict, message)
        }
    }

    func prescriptionPage(_ p: Prescription, consultation: Consultation, patient: Patient?) -> Response {
        HTTPReply.html(
            .ok,
            """
            <!doctype html>
            <html lang="es"><head><meta charset="utf-8"><title>Fórmula \(p.id)</title></head>
            <body>
            <h1>Fórmula óptica</h1>
            <p id="patient">Paciente: \(HTTPReply.escape(patient?.fullName ?? "—")) (\(HTTPReply.escape(patient?.identification ?? "")))</p>
            <p id="doctor">Profesional: \(HTTPReply.escape(consultation.doctor))</p>
            <p id="formula">\(HTTPReply.escape(p.formula))</p>
            <p id="lens">Lente: \(p.lensType)</p>
            <p id="notes">\(HTTPReply.escape(p.notes))</p>
            </body></html>
            """
        )
    }
}

/// A diopter value sent as a number or a string (`-2.25`, `"-2.25"`, `"+1.50"`), kept in
/// hundredths. A value that is not a whole number of hundredths becomes 1 (never a multiple of
/// 0.25, so validation rejects it).
struct Diopters: Decodable, Sendable, Hashable {
    var hundredths: Int

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let value: Double
        if let number = try? container.decode(Double.self) {
            value = number
        } else if let text = try? container.decode(String.self),
            let number = Double(text.trimmingCharacters(in: .whitespaces))
        {
            value = number
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected diopters, e.g. -2.25")
        }
        let scaled = value * 100
        guard scaled.isFinite, abs(scaled) < 1e9, abs(scaled - scaled.rounded()) < 1e-6 else {
            hundredths = 1
            return
        }
        hundredths = Int(scaled.rounded())
    }
}
