// The web app's words in Spanish. One "key": "text", per line;
// every key here is in the other catalogue too (static/i18n_test.go).
// Each area keeps its keys in its own section, under its comment.

export default {
  // app: the shell, navigation and messages every page shares

  // signin

  // words: rungs, capacities, strategies, kinds and other closed sets

  // people: the people list and search

  // event: logging an event's attendance

  // person: one person's page, journey, check-ins and consent

  // suggestions

  // bodies: boards, bureaus, seats, terms and talks

  // admin: accounts, tokens, the audit log

  // account: one's own password and language

  // dashboard: releases, trends and charts

  // ladder

  // import

  // self: the participant's own pages at /p/
  "self.page.title": "Mi página de Pathway",
  "self.language.label": "Idioma",
  "self.language.en": "inglés",
  "self.language.es": "español",
  "self.loading": "Cargando la página…",
  "self.hello": "Hola, {name}",
  "self.lede": "Esta página es personal. Solo este enlace la abre, hasta el {date}.",
  "self.journey.heading": "Mi camino",
  "self.journey.intro": "Cada paso del camino tiene valor, y cada persona lo recorre a su manera.",
  "self.journey.none": "Todavía no hay pasos registrados.",
  "self.journey.since": "Desde el {date}",
  "self.rung.observer": "Conociendo la organización y sus servicios",
  "self.rung.follower": "Participando en eventos y reuniones",
  "self.rung.member": "Participando como voz de la comunidad",
  "self.rung.contributor": "Aportando ideas y experiencia para dar forma a los programas",
  "self.rung.leader": "Liderando cambios en los temas que importan",
  "self.roles.heading": "Mis roles",
  "self.roles.none": "Todavía no hay roles.",
  "self.roles.span": "Del {from} al {to}",
  "self.roles.open": "Desde el {from}",
  "self.kind.advisory_board": "Consejo asesor",
  "self.kind.speakers_bureau": "Grupo de portavoces",
  "self.kind.board_of_directors": "Junta directiva",
  "self.kind.committee": "Comité",
  "self.kind.staff": "Personal",
  "self.talks.heading": "Charlas que di",
  "self.talks.none": "Todavía no hay charlas.",
  "self.talks.audience": "Público: {audience}",
  "self.audience.city_council": "Concejo municipal",
  "self.audience.state_legislature": "Legislatura estatal",
  "self.audience.media": "Medios de comunicación",
  "self.audience.funders": "Financiadores",
  "self.audience.conference": "Conferencia",
  "self.audience.school": "Escuela",
  "self.audience.community": "Comunidad",
  "self.audience.other": "Otro público",
  "self.checkin.heading": "¿Cómo voy?",
  "self.checkin.intro": "Una breve reflexión desde mi propio punto de vista. No hay respuestas correctas ni incorrectas, y nunca es una calificación.",
  "self.checkin.self_advocacy": "Expresar lo que necesito",
  "self.checkin.root_cause_analysis": "Nombrar las políticas y los sistemas que hay detrás de los problemas que enfrento",
  "self.checkin.leadership": "Asumir mi propio liderazgo",
  "self.scale.1": "Apenas empezando",
  "self.scale.2": "Creciendo",
  "self.scale.3": "Cada vez con más fuerza",
  "self.scale.4": "Con mucha fuerza",
  "self.checkin.submit": "Guardar mi reflexión",
  "self.checkin.saving": "Guardando…",
  "self.checkin.saved": "Gracias. La reflexión quedó guardada.",
  "self.checkin.missing": "Todavía falta una respuesta en cada pregunta marcada.",
  "self.checkin.choose": "Falta elegir una respuesta.",
  "self.checkin.last": "Última reflexión: {date}",
  "self.consent.heading": "Mi consentimiento",
  "self.consent.given": "Fecha",
  "self.consent.how": "Forma",
  "self.consent.method.written": "Por escrito",
  "self.consent.method.verbal": "De palabra",
  "self.consent.method.electronic": "En forma electrónica",
  "self.consent.scopes": "Acepté",
  "self.scope.tracking": "Que mi camino quede registrado en Pathway",
  "self.scope.public_story": "Compartir mi historia en público",
  "self.withdraw.heading": "Retirar mi consentimiento",
  "self.withdraw.explain1": "El consentimiento se puede retirar en cualquier momento. Retirarlo borra para siempre mi registro de Pathway: mi nombre, mi camino, mis roles, mis reflexiones y todas las notas sobre mí.",
  "self.withdraw.explain2": "No se puede deshacer, y este enlace deja de funcionar. En el historial solo queda una nota, sin nombre, de que se borró un registro.",
  "self.withdraw.start": "Quiero retirar mi consentimiento",
  "self.withdraw.confirm_label": "Entiendo que mi registro se borrará para siempre.",
  "self.withdraw.confirm": "Retirar y borrar mi registro",
  "self.withdraw.cancel": "Conservar mi registro",
  "self.withdraw.need_tick": "Primero hay que marcar la casilla para confirmar.",
  "self.withdraw.erasing": "Borrando…",
  "self.withdraw.done.heading": "El registro fue borrado",
  "self.withdraw.done.body": "El consentimiento fue retirado y el registro se borró de Pathway. Este enlace ya no funciona. Gracias por el camino compartido.",
  "self.error.stopped.heading": "Este enlace ya no funciona",
  "self.error.stopped": "Los enlaces personales duran pocos días y se pueden cancelar. El personal de la organización puede dar uno nuevo.",
  "self.error.busy": "Demasiados intentos en poco tiempo. Conviene esperar un minuto y volver a intentarlo.",
  "self.error.offline": "No se pudo conectar con Pathway. Conviene revisar la conexión y volver a intentarlo.",
  "self.error.other": "Algo salió mal. Conviene intentarlo de nuevo en un momento.",
  "self.foot": "Pathway acompaña caminos que van de recibir servicios a liderar cambios. Cada paso tiene valor.",
  "self.staff.heading": "Seguimiento de capacidades",
  "self.staff.intro": "La opinión de la persona y la del personal, lado a lado, en una escala de 1 a 4. Muestra el crecimiento en el tiempo y nunca es una calificación.",
  "self.staff.own": "Su propia opinión",
  "self.staff.staff_view": "Opinión del personal",
  "self.staff.none": "Ninguna todavía.",
  "self.staff.by_participant": "Registrada por la persona, con su enlace personal",
  "self.staff.by_staff": "Registrada por {who}",
  "self.staff.cap.self_advocacy": "Defiende sus propias necesidades",
  "self.staff.cap.root_cause_analysis": "Identifica las causas de fondo",
  "self.staff.cap.leadership": "Asume el liderazgo",
  "self.staff.score": "{n} de 4",
  "self.staff.sensitive": "Nota confidencial",
  "self.link.summary": "Darle un enlace personal",
  "self.link.intro": "Un enlace personal permite que {name} vea su camino, registre su propia reflexión y retire su consentimiento desde su teléfono. Muestre el código QR para que lo escanee: el enlace se muestra una sola vez.",
  "self.link.language": "Idioma de su página",
  "self.link.days": "Días de validez",
  "self.link.days_hint": "De 1 a 30 días.",
  "self.link.create": "Crear un enlace personal",
  "self.link.qr_alt": "Código QR del enlace personal de {name}",
  "self.link.url": "Enlace",
  "self.link.expires": "Válido hasta el {date}",
  "self.link.once": "Este enlace se muestra solo ahora. Si se pierde, cree uno nuevo.",
  "self.link.active": "Enlaces vigentes",
  "self.link.none": "Ningún enlace personal está vigente.",
  "self.link.item": "{language}, creado por {who}, válido hasta el {date}",
  "self.link.revoke": "Revocar",
  "self.link.revoke_for": "el enlace válido hasta el {date}",
  "self.link.revoked": "El enlace fue revocado.",
  "self.audit.participant": "La propia persona participante",
};
