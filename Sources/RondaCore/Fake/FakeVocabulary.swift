/// Word lists for fake data: Colombian names, places and companies, and Spanish filler words.
enum FakeVocabulary {
    static let femaleFirstNames = [
        "María", "Laura", "Valentina", "Camila", "Daniela", "Sofía", "Isabella", "Mariana", "Paula",
        "Natalia", "Andrea", "Carolina", "Juliana", "Luisa", "Ana", "Catalina", "Gabriela", "Diana",
        "Alejandra", "Manuela", "Sara", "Ximena", "Lucía", "Adriana",
    ]

    static let maleFirstNames = [
        "Juan", "Santiago", "Sebastián", "Andrés", "Carlos", "Felipe", "Alejandro", "Daniel", "David",
        "Mateo", "Nicolás", "Samuel", "Diego", "Julián", "Camilo", "Jorge", "Luis", "Miguel", "Óscar",
        "Esteban", "Tomás", "Gabriel", "Ricardo", "Mauricio",
    ]

    static let lastNames = [
        "Rodríguez", "Gómez", "González", "Martínez", "García", "López", "Hernández", "Sánchez",
        "Ramírez", "Pérez", "Díaz", "Muñoz", "Rojas", "Moreno", "Jiménez", "Vargas", "Castro",
        "Restrepo", "Ospina", "Cardona", "Álvarez", "Torres", "Ruiz", "Quintero", "Zapata", "Mejía",
        "Osorio", "Valencia", "Londoño", "Arango", "Salazar", "Montoya", "Giraldo", "Henao",
    ]

    static let cities = [
        "Bogotá", "Medellín", "Cali", "Barranquilla", "Cartagena", "Bucaramanga", "Pereira",
        "Manizales", "Santa Marta", "Ibagué", "Cúcuta", "Villavicencio", "Pasto", "Armenia",
    ]

    static let streetKinds = ["Calle", "Carrera", "Avenida", "Transversal", "Diagonal"]

    static let companyWords = [
        "Andina", "Los Andes", "del Valle", "Caribe", "Pacífico", "Central", "Nacional", "Visión",
        "Salud", "Horizonte", "Integral", "Norte", "Sur", "Oriente", "Aurora", "Cordillera",
    ]

    static let companyKinds = ["Óptica", "Clínica", "Centro Médico", "Laboratorio", "Consultorio", "Comercializadora"]

    static let companySuffixes = ["S.A.S.", "S.A.", "Ltda."]

    /// Filler words for `fake.text` and `fake.sentence`.
    static let words = [
        "paciente", "cita", "control", "revisión", "consulta", "examen", "visual", "lentes", "montura",
        "fórmula", "seguimiento", "agenda", "horario", "mañana", "tarde", "resultado", "prueba",
        "sistema", "servicio", "atención", "pago", "factura", "módulo", "reporte", "doctor",
        "recepción", "nuevo", "pendiente", "confirmado", "general", "especial", "rápido",
    ]

    /// Prefixes of Colombian mobile numbers after the leading 3 (300–324, 350–351).
    static let mobilePrefixes = [
        "00", "01", "02", "03", "04", "05", "10", "11", "12", "13", "14", "15", "16", "17", "18",
        "19", "20", "21", "22", "23", "24", "50", "51",
    ]

    /// Weekday names (English and Spanish, accents optional) → `Calendar` weekday (1 = Sunday).
    static let weekdays: [String: Int] = [
        "sunday": 1, "monday": 2, "tuesday": 3, "wednesday": 4, "thursday": 5, "friday": 6, "saturday": 7,
        "domingo": 1, "lunes": 2, "martes": 3, "miercoles": 4, "jueves": 5, "viernes": 6, "sabado": 7,
        "sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7,
    ]
}
