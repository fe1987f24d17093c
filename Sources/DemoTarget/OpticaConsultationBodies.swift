import Foundation

/// One eye as JSON: diopters as signed text (`"-2.25"`), so no float rounding shows.
struct EyeBody: Encodable {
    var sphere: String
    var cylinder: String
    var axis: Int

    init(_ eye: EyeRefraction) {
        sphere = EyeRefraction.diopters(eye.sphere)
        cylinder = EyeRefraction.diopters(eye.cylinder)
        axis = eye.axis
    }
}

/// A prescription as JSON.
struct PrescriptionBody: Encodable {
    var prescriptionID: Int
    var consultationID: Int
    var lensType: String
    var formula: String
    var od: EyeBody
    var oi: EyeBody
    var add: String
    var notes: String
    var url: String

    init(_ p: Prescription, consultation: Int) {
        prescriptionID = p.id
        consultationID = consultation
        lensType = p.lensType
        formula = p.formula
        od = EyeBody(p.od)
        oi = EyeBody(p.oi)
        add = EyeRefraction.diopters(p.add)
        notes = p.notes
        url = "/prescriptions/\(p.id)/"
    }

    enum CodingKeys: String, CodingKey {
        case lensType = "lens_type"
        case prescriptionID = "prescription_id"
        case consultationID = "consultation_id"
        case formula, od, oi, add, notes, url
    }
}

/// A consultation as JSON, with whatever has been recorded so far (`null` for the rest).
struct ConsultationBody: Encodable {
    struct History: Encodable {
        var reason, symptoms, background, notes: String
    }

    struct Refraction: Encodable {
        struct Acuity: Encodable {
            var od: String?
            var oi: String?
        }
        var od: EyeBody
        var oi: EyeBody
        var add: String
        var pd: Int?
        var visualAcuity: Acuity
        enum CodingKeys: String, CodingKey {
            case od, oi, add, pd
            case visualAcuity = "visual_acuity"
        }
    }

    var consultationID: Int
    var patientID: Int
    var appointmentID: Int?
    var doctor: String
    var status: String
    var startedAt: String
    var history: History?
    var refraction: Refraction?
    var prescription: PrescriptionBody?

    init(_ c: Consultation) {
        consultationID = c.id
        patientID = c.patientID
        appointmentID = c.appointmentID
        doctor = c.doctor
        status = c.status.rawValue
        startedAt = ISO8601DateFormatter().string(from: c.started)
        history = c.notes.map {
            History(reason: $0.reason, symptoms: $0.symptoms, background: $0.background, notes: $0.notes)
        }
        refraction = c.exam.map {
            Refraction(
                od: EyeBody($0.od),
                oi: EyeBody($0.oi),
                add: EyeRefraction.diopters($0.add),
                pd: $0.pd,
                visualAcuity: .init(od: $0.acuityOD, oi: $0.acuityOI)
            )
        }
        prescription = c.prescription.map { PrescriptionBody($0, consultation: c.id) }
    }

    enum CodingKeys: String, CodingKey {
        case consultationID = "consultation_id"
        case patientID = "patient_id"
        case appointmentID = "appointment_id"
        case startedAt = "started_at"
        case doctor, status, history, refraction, prescription
    }

    /// Writes `null` for what is not recorded yet, so scenarios can check `exists`/`type: null`.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(consultationID, forKey: .consultationID)
        try c.encode(patientID, forKey: .patientID)
        try c.encode(appointmentID, forKey: .appointmentID)
        try c.encode(doctor, forKey: .doctor)
        try c.encode(status, forKey: .status)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(history, forKey: .history)
        try c.encode(refraction, forKey: .refraction)
        try c.encode(prescription, forKey: .prescription)
    }
}

/// A patient's clinical history.
struct HistoryBody: Encodable {
    var patientID: Int
    var fullName: String
    var consultations: [ConsultationBody]
    enum CodingKeys: String, CodingKey {
        case patientID = "patient_id"
        case fullName = "full_name"
        case consultations
    }
}
