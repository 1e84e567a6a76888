"""Spanish: every kind of email (applicants and holders, account holders, raters and staff).

Category names come from the tenant data and events, which name them in English.
"""

from __future__ import annotations

from . import kinds as k
from .template import EmailTemplate, Locale

SPANISH = Locale(
    code="es",
    html_footer=(
        "{tenant_name}. Este mensaje se envió automáticamente; escriba a "
        '<a href="mailto:{contact_email}">{contact_email}</a> si tiene alguna pregunta.'
    ),
    text_footer="""
--
{tenant_name}
Este mensaje se envió automáticamente; escriba a {contact_email} si tiene alguna pregunta.
""",
    phrases={
        "none": "(ninguno)",
        "no_message": "(sin mensaje)",
        "resubmitted.information_request": (
            "Responde a la solicitud de más información; la revisión continúa donde se detuvo."
        ),
        "resubmitted.deferral": "Sigue al aplazamiento; se revisará de nuevo.",
        "resubmitted.unspecified": "Sustituye a su envío anterior.",
        "void.not_enough_information": "la persona evaluadora no pudo responder a suficientes preguntas del formulario",
        "void.expired": "es más antigua de lo permitido",
        "void.withdrawn": "fue retirada",
        "void.vetting_refused": "la coordinación no pudo aceptar a la persona evaluadora para esta referencia",
        "declined.waived": "no se le comunica, porque usted renunció a su derecho a ver esta referencia",
        "rater.erased": "Su persona evaluadora",
        "information.completeness": "La coordinación de endorsement revisó su solicitud y la encontró incompleta.",
        "information.review": (
            "La revisión de su solicitud necesita más información de usted; queda en pausa "
            "hasta que la vuelva a enviar."
        ),
        "exam.retake_ask": "la que le indique la coordinación de endorsement",
        "exam.parts.1-2": (
            "Las dos partes: la parte 1, preguntas de opción múltiple, y la parte 2, respuestas escritas a "
            "viñetas (o ensayos, según la categoría)."
        ),
        "exam.parts.1": (
            "Solo la parte 1, las preguntas de opción múltiple: la parte que aprobó antes sigue aprobada."
        ),
        "exam.parts.2": (
            "Solo la parte 2, las respuestas escritas a viñetas (o ensayos): la parte que aprobó antes sigue aprobada."
        ),
        "exam.registered_by.applicant": "Usted mismo/a hizo la inscripción.",
        "exam.registered_by.coordinator": "La coordinación de endorsement le inscribió a petición suya por escrito.",
        "exam.accommodations.requested": (
            "Usted solicitó adaptaciones: la coordinación de endorsement le escribirá con la decisión."
        ),
        "exam.accommodations.none": (
            "Si necesita adaptaciones, solicítelas por escrito a la coordinación de endorsement con bastante "
            "antelación a la fecha del examen."
        ),
    },
)

TEMPLATES: dict[str, EmailTemplate] = {
    k.APPLICATION_SUBMITTED: EmailTemplate(
        subject="Recibimos su solicitud de endorsement {category_name}",
        text="""Estimado/a {applicant_name}:

{tenant_name} recibió su solicitud de endorsement {category_name} el {submitted_on}.

Próximos pasos: la coordinación de endorsement comprueba que su solicitud esté completa y después pasa \
a revisión. Le escribiremos cada vez que deba hacer algo.

Siga su solicitud en {application_url}
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>{tenant_name} recibió su solicitud de endorsement <strong>{category_name}</strong> el {submitted_on}.</p>
<p>Próximos pasos: la coordinación de endorsement comprueba que su solicitud esté completa y después pasa a
revisión. Le escribiremos cada vez que deba hacer algo.</p>
<p><a href="{application_url}">Siga su solicitud</a></p>""",
    ),
    k.APPLICATION_RESUBMITTED: EmailTemplate(
        subject="Recibimos su solicitud de endorsement {category_name}",
        text="""Estimado/a {applicant_name}:

{tenant_name} recibió su solicitud reenviada de endorsement {category_name} el {submitted_on}.
{in_response_to}

Le escribiremos cada vez que deba hacer algo. Siga su solicitud en {application_url}
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>{tenant_name} recibió su solicitud reenviada de endorsement <strong>{category_name}</strong> el
{submitted_on}. {in_response_to}</p>
<p>Le escribiremos cada vez que deba hacer algo.</p>
<p><a href="{application_url}">Siga su solicitud</a></p>""",
    ),
    k.APPLICATION_WITHDRAWN: EmailTemplate(
        subject="Su solicitud {category_name} fue retirada",
        text="""Estimado/a {applicant_name}:

Su solicitud de endorsement {category_name} fue retirada, como usted pidió.
El motivo que indicó: {reason}

Si usted no la retiró, escriba de inmediato a {contact_email}.
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>Su solicitud de endorsement <strong>{category_name}</strong> fue retirada, como usted pidió.</p>
<p>El motivo que indicó: {reason}</p>
<p>Si usted no la retiró, escriba de inmediato a {contact_email}.</p>""",
    ),
    k.REGISTRATION_ACCEPTED: EmailTemplate(
        subject="Su inscripción {category_name} fue aceptada",
        text="""Estimado/a {applicant_name}:

{tenant_name} aceptó su inscripción para el endorsement {category_name}. Ya puede completar su solicitud \
(formación académica, trabajo, capacitación, supervisión reflexiva, referencias) y enviarla.

Continúe su solicitud en {application_url}
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>{tenant_name} aceptó su inscripción para el endorsement <strong>{category_name}</strong>. Ya puede completar
su solicitud (formación académica, trabajo, capacitación, supervisión reflexiva, referencias) y enviarla.</p>
<p><a href="{application_url}">Continúe su solicitud</a></p>""",
    ),
    k.REFERENCE_VOIDED: EmailTemplate(
        subject="Una referencia de su solicitud {category_name} ya no cuenta",
        text="""Estimado/a {applicant_name}:

La referencia {slot} de su solicitud {category_name} ya no cuenta: {reason}.

Indique otra persona evaluadora (o pídasela de nuevo a la misma, si está permitido) en la página de \
referencias de su solicitud:
{references_url}

Escriba a {contact_email} para más detalles.
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>La referencia {slot} de su solicitud <strong>{category_name}</strong> ya no cuenta: {reason}.</p>
<p>Indique otra persona evaluadora (o pídasela de nuevo a la misma, si está permitido) en la
<a href="{references_url}">página de referencias</a> de su solicitud. Escriba a {contact_email} para más
detalles.</p>""",
    ),
    k.REFERENCE_DECLINED: EmailTemplate(
        subject="Una persona evaluadora no dará una referencia para su solicitud {category_name}",
        text="""Estimado/a {applicant_name}:

{rater_name} rechazó dar la referencia {slot} de su solicitud {category_name}, así que esa referencia no \
contará.
Mensaje de la persona evaluadora: {reason}

Qué hacer ahora: indique otra persona evaluadora para la referencia {slot} en la página de referencias de su \
solicitud:
{references_url}
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>{rater_name} rechazó dar la referencia {slot} de su solicitud <strong>{category_name}</strong>, así que esa
referencia no contará.</p>
<p>Mensaje de la persona evaluadora: {reason}</p>
<p>Qué hacer ahora: indique otra persona evaluadora para la referencia {slot} en la
<a href="{references_url}">página de referencias</a> de su solicitud.</p>""",
    ),
    k.REFERENCE_COMPLETED: EmailTemplate(
        subject="Una referencia de su solicitud {category_name} está completa",
        text="""Estimado/a {applicant_name}:

{rater_name} completó la referencia {slot} de su solicitud {category_name}. Cuenta para solicitudes \
enviadas hasta el {valid_until}.

Vea sus referencias en {references_url}
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>{rater_name} completó la referencia {slot} de su solicitud <strong>{category_name}</strong>. Cuenta para
solicitudes enviadas hasta el {valid_until}.</p>
<p><a href="{references_url}">Vea sus referencias</a></p>""",
    ),
    k.RENEWAL_SUBMITTED: EmailTemplate(
        subject="Recibimos su renovación {renewal_year}: {category_name}",
        text="""Estimado/a {applicant_name}:

{tenant_name} recibió el {submitted_on} su renovación {renewal_year} del endorsement {category_name}. \
Le escribiremos cuando se apruebe o si debe hacer algo.

Siga su renovación en {application_url}
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>{tenant_name} recibió el {submitted_on} su renovación {renewal_year} del endorsement
<strong>{category_name}</strong>. Le escribiremos cuando se apruebe o si debe hacer algo.</p>
<p><a href="{application_url}">Siga su renovación</a></p>""",
    ),
    k.REINSTATEMENT_SUBMITTED: EmailTemplate(
        subject="Recibimos su solicitud de restablecimiento: {category_name}",
        text="""Estimado/a {applicant_name}:

{tenant_name} recibió el {submitted_on} su solicitud para restablecer su endorsement {category_name}. \
Pasa a revisión; le escribiremos cada vez que deba hacer algo.

Siga su solicitud en {application_url}
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>{tenant_name} recibió el {submitted_on} su solicitud para restablecer su endorsement
<strong>{category_name}</strong>. Pasa a revisión; le escribiremos cada vez que deba hacer algo.</p>
<p><a href="{application_url}">Siga su solicitud</a></p>""",
    ),
    k.INFORMATION_REQUESTED: EmailTemplate(
        subject="Se necesita más información para su solicitud {category_name}",
        text="""Estimado/a {applicant_name}:

{stage}

Añada o corrija:
{items}

Mensaje: {message}

Actualice y vuelva a enviar su solicitud en {application_url}
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>{stage}</p>
<p>Añada o corrija:</p>
{items}
<p>Mensaje: {message}</p>
<p><a href="{application_url}">Actualice y vuelva a enviar su solicitud</a></p>""",
    ),
    k.APPLICATION_DEFERRED: EmailTemplate(
        subject="Su solicitud {category_name} fue aplazada",
        text="""Estimado/a {applicant_name}:

La revisión aplazó su solicitud de endorsement {category_name}.

Motivos:
{reasons}

Capacitación y supervisión reflexiva recomendadas:
{recommendations}

Puede modificar su solicitud y pedir una nueva revisión a partir del {earliest_rereview_on}.

Su solicitud: {application_url}
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>La revisión aplazó su solicitud de endorsement <strong>{category_name}</strong>.</p>
<p>Motivos:</p>
{reasons}
<p>Capacitación y supervisión reflexiva recomendadas:</p>
{recommendations}
<p>Puede modificar su solicitud y pedir una nueva revisión a partir del {earliest_rereview_on}.</p>
<p><a href="{application_url}">Su solicitud</a></p>""",
    ),
    k.APPROVED_FOR_EXAM: EmailTemplate(
        subject="Aprobado/a para el examen: {category_name}",
        text="""Estimado/a {applicant_name}:

La revisión le aprobó para presentar el examen de endorsement {category_name}. La coordinación de \
endorsement le escribirá sobre las fechas del examen y cómo inscribirse.

Siga su solicitud en {application_url}
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>La revisión le aprobó para presentar el examen de endorsement <strong>{category_name}</strong>. La
coordinación de endorsement le escribirá sobre las fechas del examen y cómo inscribirse.</p>
<p><a href="{application_url}">Siga su solicitud</a></p>""",
    ),
    k.EXAM_REGISTERED: EmailTemplate(
        subject="Inscripción confirmada en el examen {category_name} del {sitting}",
        text="""Estimado/a {applicant_name}:

Queda inscrito/a en el examen de endorsement {category_name} del {sitting}. {registered_by}

Qué presenta: {parts}

Qué esperar:
- Antes del examen, la coordinación de endorsement le envía los detalles prácticos: la hora y cómo se \
presenta (en línea o en persona).
- Sus respuestas se califican de forma anónima: quienes califican solo conocen un número de candidato/a, \
nunca su nombre.
- Le escribiremos con el resultado cuando todas las partes estén calificadas.

Qué tener listo ese día:
- los detalles que le envíe la coordinación de endorsement;
- si lo presenta en línea, una computadora con una conexión a internet fiable, en un lugar tranquilo \
donde nadie le interrumpa;
- tiempo para todo el examen sin interrupciones.

{accommodations}

Si no puede asistir, retire su inscripción antes de la fecha del examen: una inscripción retirada no \
cuenta como intento.

Siga su solicitud en {application_url}
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>Queda inscrito/a en el examen de endorsement <strong>{category_name}</strong> del <strong>{sitting}</strong>.
{registered_by}</p>
<p>Qué presenta: {parts}</p>
<p>Qué esperar:</p>
<ul><li>Antes del examen, la coordinación de endorsement le envía los detalles prácticos: la hora y cómo se
presenta (en línea o en persona).</li>
<li>Sus respuestas se califican de forma anónima: quienes califican solo conocen un número de candidato/a,
nunca su nombre.</li>
<li>Le escribiremos con el resultado cuando todas las partes estén calificadas.</li></ul>
<p>Qué tener listo ese día:</p>
<ul><li>los detalles que le envíe la coordinación de endorsement;</li>
<li>si lo presenta en línea, una computadora con una conexión a internet fiable, en un lugar tranquilo donde
nadie le interrumpa;</li>
<li>tiempo para todo el examen sin interrupciones.</li></ul>
<p>{accommodations}</p>
<p>Si no puede asistir, retire su inscripción antes de la fecha del examen: una inscripción retirada no cuenta
como intento.</p>
<p><a href="{application_url}">Siga su solicitud</a></p>""",
    ),
    k.EXAM_PASSED: EmailTemplate(
        subject="Aprobó el examen {category_name}",
        text="""Estimado/a {applicant_name}:

Aprobó el examen de endorsement {category_name} que presentó el {taken_on}. Le escribiremos cuando se \
decida su endorsement.
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>Aprobó el examen de endorsement <strong>{category_name}</strong> que presentó el {taken_on}. Le escribiremos
cuando se decida su endorsement.</p>""",
    ),
    k.EXAM_NOT_PASSED: EmailTemplate(
        subject="Resultado de su examen {category_name}",
        text="""Estimado/a {applicant_name}:

Todavía no ha aprobado todas las partes del examen de endorsement {category_name} que presentó el \
{taken_on}. Puede volver a presentarlo a partir de esta fecha: {retake_eligible_on}. Escriba a \
{contact_email} para solicitarlo.
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>Todavía no ha aprobado todas las partes del examen de endorsement <strong>{category_name}</strong> que
presentó el {taken_on}. Puede volver a presentarlo a partir de esta fecha: {retake_eligible_on}. Escriba
a {contact_email} para solicitarlo.</p>""",
    ),
    k.ENDORSEMENT_DENIED: EmailTemplate(
        subject="Decisión sobre su solicitud {category_name}",
        text="""Estimado/a {applicant_name}:

Tras la revisión, {tenant_name} no le otorgó el endorsement {category_name}.

Motivos:
{reasons}
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>Tras la revisión, {tenant_name} no le otorgó el endorsement <strong>{category_name}</strong>.</p>
<p>Motivos:</p>
{reasons}""",
    ),
    k.ENDORSEMENT_GRANTED: EmailTemplate(
        subject="Recibió el endorsement: {category_name}",
        text="""Estimado/a {applicant_name}:

¡Felicidades! {tenant_name} le otorgó el endorsement {category_name}, vigente desde el {effective_date}.

Debe renovarlo a más tardar el {renewal_date}; se lo recordaremos antes.

Vea su endorsement en {endorsement_url}
""",
        html="""<p>Estimado/a {applicant_name}:</p>
<p>¡Felicidades! {tenant_name} le otorgó el endorsement <strong>{category_name}</strong>, vigente desde el
{effective_date}.</p>
<p>Debe renovarlo a más tardar el {renewal_date}; se lo recordaremos antes.</p>
<p><a href="{endorsement_url}">Vea su endorsement</a></p>""",
    ),
    k.RENEWAL_APPROVED: EmailTemplate(
        subject="Su endorsement {category_name} fue renovado",
        text="""Estimado/a {holder_name}:

{tenant_name} aprobó el {renewed_on} la renovación de su endorsement {category_name}. \
La próxima renovación vence el {renewal_date}.

Vea su endorsement en {endorsement_url}
""",
        html="""<p>Estimado/a {holder_name}:</p>
<p>{tenant_name} aprobó el {renewed_on} la renovación de su endorsement <strong>{category_name}</strong>.
La próxima renovación vence el {renewal_date}.</p>
<p><a href="{endorsement_url}">Vea su endorsement</a></p>""",
    ),
    k.ENDORSEMENT_LAPSED: EmailTemplate(
        subject="Su endorsement {category_name} ha caducado",
        text="""Estimado/a {holder_name}:

Su endorsement {category_name} caducó el {lapsed_on} y ya no está vigente: {reason}

Puede solicitar el restablecimiento (con referencias nuevas; no necesita repetir un examen aprobado). \
Escriba a {contact_email} si tiene alguna pregunta.

Inicie el restablecimiento desde la página de su endorsement: {endorsement_url}
""",
        html="""<p>Estimado/a {holder_name}:</p>
<p>Su endorsement <strong>{category_name}</strong> caducó el {lapsed_on} y ya no está vigente: {reason}</p>
<p>Puede solicitar el restablecimiento (con referencias nuevas; no necesita repetir un examen aprobado).</p>
<p><a href="{endorsement_url}">Inicie el restablecimiento desde la página de su endorsement</a></p>""",
    ),
    k.ENDORSEMENT_REINSTATED: EmailTemplate(
        subject="Su endorsement {category_name} fue restablecido",
        text="""Estimado/a {holder_name}:

{tenant_name} restableció su endorsement {category_name} el {reinstated_on}. \
La próxima renovación vence el {renewal_date}.

Vea su endorsement en {endorsement_url}
""",
        html="""<p>Estimado/a {holder_name}:</p>
<p>{tenant_name} restableció su endorsement <strong>{category_name}</strong> el {reinstated_on}.
La próxima renovación vence el {renewal_date}.</p>
<p><a href="{endorsement_url}">Vea su endorsement</a></p>""",
    ),
    k.ENDORSEMENT_REVOKED: EmailTemplate(
        subject="Su endorsement {category_name} fue revocado",
        text="""Estimado/a {holder_name}:

{tenant_name} revocó su endorsement {category_name} el {revoked_on}.
El motivo: {reason}

Escriba a {contact_email} si tiene alguna pregunta.
""",
        html="""<p>Estimado/a {holder_name}:</p>
<p>{tenant_name} revocó su endorsement <strong>{category_name}</strong> el {revoked_on}.</p>
<p>El motivo: {reason}</p>""",
    ),
    k.EMAIL_VERIFICATION: EmailTemplate(
        subject="Confirme su dirección de correo electrónico",
        text="""Estimado/a {person_name}:

Confirme la dirección de correo electrónico de su cuenta de {tenant_name} abriendo este enlace:

{link}

El enlace funciona una sola vez y vence el {expires_at}. Si ya venció, inicie sesión y pida uno nuevo.
Si usted no creó ninguna cuenta, ignore este mensaje.
""",
        html="""<p>Estimado/a {person_name}:</p>
<p>Confirme la dirección de correo electrónico de su cuenta de {tenant_name} abriendo este enlace:</p>
<p><a href="{link}">{link}</a></p>
<p>El enlace funciona una sola vez y vence el {expires_at}. Si ya venció, inicie sesión y pida uno nuevo.</p>
<p>Si usted no creó ninguna cuenta, ignore este mensaje.</p>""",
    ),
    k.PASSWORD_RESET: EmailTemplate(
        subject="Restablezca su contraseña",
        text="""Estimado/a {person_name}:

Alguien pidió restablecer la contraseña de su cuenta de {tenant_name}. Para elegir una contraseña nueva, \
abra este enlace:

{link}

El enlace funciona una sola vez y vence el {expires_at}. No reenvíe este mensaje.
Si no fue usted, ignore este mensaje: su contraseña no cambia.
""",
        html="""<p>Estimado/a {person_name}:</p>
<p>Alguien pidió restablecer la contraseña de su cuenta de {tenant_name}. Para elegir una contraseña nueva,
abra este enlace:</p>
<p><a href="{link}">{link}</a></p>
<p>El enlace funciona una sola vez y vence el {expires_at}. No reenvíe este mensaje.</p>
<p>Si no fue usted, ignore este mensaje: su contraseña no cambia.</p>""",
    ),
    k.PASSWORD_CHANGED: EmailTemplate(
        subject="Se cambió su contraseña",
        text="""Estimado/a {person_name}:

La contraseña de su cuenta de {tenant_name} se cambió el {changed_at}.

Si fue usted, no tiene que hacer nada.
Si no fue usted, restablezca su contraseña de inmediato (en la página de inicio de sesión, {portal_url}, \
pida un enlace para restablecerla) y después escriba a {contact_email} para que revisemos su cuenta.
""",
        html="""<p>Estimado/a {person_name}:</p>
<p>La contraseña de su cuenta de {tenant_name} se cambió el {changed_at}.</p>
<p>Si fue usted, no tiene que hacer nada.</p>
<p>Si no fue usted, restablezca su contraseña de inmediato (en la
<a href="{portal_url}">página de inicio de sesión</a>, pida un enlace para restablecerla) y después escriba a
{contact_email} para que revisemos su cuenta.</p>""",
    ),
    k.PASSWORD_WAS_RESET: EmailTemplate(
        subject="Se restableció su contraseña",
        text="""Estimado/a {person_name}:

La contraseña de su cuenta de {tenant_name} se restableció con un enlace enviado por correo el {changed_at}.

Si fue usted, no tiene que hacer nada.
Si no fue usted, alguien puede leer su correo: proteja su cuenta de correo electrónico, vuelva a \
restablecer su contraseña (en la página de inicio de sesión, {portal_url}, pida un enlace para \
restablecerla) y después escriba a {contact_email} para que revisemos su cuenta.
""",
        html="""<p>Estimado/a {person_name}:</p>
<p>La contraseña de su cuenta de {tenant_name} se restableció con un enlace enviado por correo el
{changed_at}.</p>
<p>Si fue usted, no tiene que hacer nada.</p>
<p>Si no fue usted, alguien puede leer su correo: proteja su cuenta de correo electrónico, vuelva a restablecer
su contraseña (en la <a href="{portal_url}">página de inicio de sesión</a>, pida un enlace para restablecerla)
y después escriba a {contact_email} para que revisemos su cuenta.</p>""",
    ),
    k.REFERENCE_REQUESTED: EmailTemplate(
        subject="Complete una referencia para {applicant_name}",
        text="""Estimado/a {rater_name}:

{applicant_name} solicita a {tenant_name} el endorsement {category_name} y le indicó a usted como \
referencia. Complete el formulario de referencia en este enlace:

{form_url}

El enlace es solo para usted y funciona una vez; vence el {expires_on}. No reenvíe este mensaje.
Si no puede dar esta referencia, abra el enlace y elija «Rechazar dar una referencia».
""",
        html="""<p>Estimado/a {rater_name}:</p>
<p>{applicant_name} solicita a {tenant_name} el endorsement <strong>{category_name}</strong> y le indicó a
usted como referencia. Complete el formulario de referencia en este enlace:</p>
<p><a href="{form_url}">{form_url}</a></p>
<p>El enlace es solo para usted y funciona una vez; vence el {expires_on}. No reenvíe este mensaje.
Si no puede dar esta referencia, abra el enlace y elija «Rechazar dar una referencia».</p>""",
    ),
    k.REFERENCE_REMINDER: EmailTemplate(
        subject="Recordatorio: complete una referencia para {applicant_name}",
        text="""Estimado/a {rater_name}:

Le recordamos que {applicant_name} sigue esperando su referencia para el endorsement {category_name} \
con {tenant_name}. Este enlace nuevo sustituye a cualquier enlace que le hayamos enviado antes:

{form_url}

El enlace es solo para usted y funciona una vez; vence el {expires_on}. No reenvíe este mensaje.
Si no puede dar esta referencia, abra el enlace y elija «Rechazar dar una referencia».
""",
        html="""<p>Estimado/a {rater_name}:</p>
<p>Le recordamos que {applicant_name} sigue esperando su referencia para el endorsement
<strong>{category_name}</strong> con {tenant_name}. Este enlace nuevo sustituye a cualquier enlace que le
hayamos enviado antes:</p>
<p><a href="{form_url}">{form_url}</a></p>
<p>El enlace es solo para usted y funciona una vez; vence el {expires_on}. No reenvíe este mensaje.
Si no puede dar esta referencia, abra el enlace y elija «Rechazar dar una referencia».</p>""",
    ),
    k.REGISTRATION_AWAITING_ACCEPTANCE: EmailTemplate(
        subject="Inscripción pendiente de aceptación: {applicant_name} ({category_name})",
        text="""Estimado/a {coordinator_name}:

{applicant_name} se inscribió para el endorsement {category_name} el {registered_on}. La inscripción \
espera su aceptación para que pueda completar la solicitud.

Abra la solicitud en {application_url}
""",
        html="""<p>Estimado/a {coordinator_name}:</p>
<p>{applicant_name} se inscribió para el endorsement <strong>{category_name}</strong> el {registered_on}. La
inscripción espera su aceptación para que pueda completar la solicitud.</p>
<p><a href="{application_url}">Abra la solicitud</a></p>""",
    ),
    k.REVIEW_ASSIGNED: EmailTemplate(
        subject="Un caso de revisión le espera: {category_name}",
        text="""Estimado/a {reviewer_name}:

Una solicitud de endorsement {category_name} espera su revisión (revisor/a {slot}). Acepte o rechace \
la asignación y después revise la solicitud.

Abra el caso en {case_url}
""",
        html="""<p>Estimado/a {reviewer_name}:</p>
<p>Una solicitud de endorsement <strong>{category_name}</strong> espera su revisión (revisor/a {slot}).
Acepte o rechace la asignación y después revise la solicitud.</p>
<p><a href="{case_url}">Abra el caso</a></p>""",
    ),
}
