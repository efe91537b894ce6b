//! What the transcription benchmark has espeak-ng say, one passage per language: the same
//! weekly update (about 45 s of speech) in each, so the languages' figures are of like
//! material. Written out in words (no digits, abbreviations or names): how an engine
//! writes a number is not what is being measured.

/// One language's passage.
#[derive(Debug)]
pub struct Passage {
    /// The Whisper language code, as both engines are told it.
    pub language: &'static str,
    /// The espeak-ng voice that speaks it.
    pub voice: &'static str,
    pub text: &'static str,
}

pub const PASSAGES: [Passage; 5] = [
    Passage {
        language: "en",
        voice: "en",
        text: "Good morning everyone. Here is my weekly update on the platform work. \
            We finished the database upgrade on Tuesday, and the new search index is now live for all customers. \
            After a long discussion, we decided to delay the migration until next quarter, \
            because the billing service still depends on the old schema. \
            The support team received fewer complaints about slow pages this week, which is good news. \
            Please review the design document before Friday and leave your comments in the shared folder. \
            Next week I will focus on the upload pipeline and the screen recorder. \
            If you have questions, send me a message or join the meeting on Thursday afternoon. \
            Thank you, and have a good week.",
    },
    Passage {
        language: "es",
        voice: "es",
        text: "Buenos días a todos. Aquí está mi informe semanal sobre el trabajo de la plataforma. \
            Terminamos la actualización de la base de datos el martes, \
            y el nuevo índice de búsqueda ya está disponible para todos los clientes. \
            Después de una larga discusión, decidimos aplazar la migración hasta el próximo trimestre, \
            porque el servicio de facturación todavía depende del esquema antiguo. \
            El equipo de soporte recibió menos quejas sobre páginas lentas esta semana, \
            lo cual es una buena noticia. \
            Por favor, revisen el documento de diseño antes del viernes \
            y dejen sus comentarios en la carpeta compartida. \
            La próxima semana me centraré en la subida de archivos y en la grabadora de pantalla. \
            Si tienen preguntas, envíenme un mensaje o vengan a la reunión del jueves por la tarde. \
            Gracias, y que tengan una buena semana.",
    },
    Passage {
        language: "de",
        voice: "de",
        text: "Guten Morgen zusammen. Hier ist mein wöchentlicher Bericht über die Arbeit an der Plattform. \
            Wir haben die Aktualisierung der Datenbank am Dienstag abgeschlossen, \
            und der neue Suchindex ist jetzt für alle Kunden verfügbar. \
            Nach einer langen Diskussion haben wir beschlossen, die Migration auf das nächste Quartal zu verschieben, \
            weil der Abrechnungsdienst noch vom alten Schema abhängt. \
            Der Kundendienst hat diese Woche weniger Beschwerden über langsame Seiten erhalten, \
            und das ist eine gute Nachricht. \
            Bitte lest den Entwurf vor Freitag und hinterlasst eure Kommentare im gemeinsamen Ordner. \
            Nächste Woche kümmere ich mich um das Hochladen von Dateien und um die Aufnahme des Bildschirms. \
            Wenn ihr Fragen habt, schickt mir eine Nachricht oder kommt am Donnerstag zur Besprechung. \
            Danke, und eine schöne Woche.",
    },
    Passage {
        language: "fr",
        voice: "fr",
        text: "Bonjour à tous. Voici mon point hebdomadaire sur le travail de la plateforme. \
            Nous avons terminé la mise à jour de la base de données mardi, \
            et le nouvel index de recherche est maintenant disponible pour tous les clients. \
            Après une longue discussion, nous avons décidé de reporter la migration au trimestre prochain, \
            parce que le service de facturation dépend encore de l'ancien schéma. \
            L'équipe d'assistance a reçu moins de plaintes sur les pages lentes cette semaine, \
            ce qui est une bonne nouvelle. \
            Merci de relire le document de conception avant vendredi \
            et de laisser vos commentaires dans le dossier partagé. \
            La semaine prochaine, je vais me concentrer sur l'envoi des fichiers et sur l'enregistrement de l'écran. \
            Si vous avez des questions, envoyez-moi un message ou venez à la réunion de jeudi après-midi. \
            Merci, et bonne semaine.",
    },
    Passage {
        language: "ru",
        voice: "ru",
        text: "Доброе утро всем. Вот мой еженедельный отчёт о работе над платформой. \
            Во вторник мы закончили обновление базы данных, \
            и новый поисковый индекс теперь доступен всем клиентам. \
            После долгого обсуждения мы решили отложить миграцию до следующего квартала, \
            потому что сервис оплаты всё ещё зависит от старой схемы. \
            Служба поддержки получила на этой неделе меньше жалоб на медленные страницы, \
            и это хорошая новость. \
            Пожалуйста, прочитайте проектный документ до пятницы и оставьте свои комментарии в общей папке. \
            На следующей неделе я займусь загрузкой файлов и записью экрана. \
            Если у вас есть вопросы, напишите мне сообщение или приходите на встречу в четверг после обеда. \
            Спасибо, и хорошей недели.",
    },
];

/// The passage in `language`, if there is one.
pub fn in_language(language: &str) -> Option<&'static Passage> {
    PASSAGES.iter().find(|p| p.language == language)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::word_errors::normalise;

    #[test]
    fn every_passage_is_long_enough_and_has_no_digits() {
        for passage in &PASSAGES {
            let words = normalise(passage.text).len();
            assert!((90..=150).contains(&words), "{}: {words} words", passage.language);
            assert!(!passage.text.chars().any(|c| c.is_ascii_digit()), "{}", passage.language);
        }
        assert_eq!(in_language("ru").map(|p| p.voice), Some("ru"));
        assert!(in_language("xx").is_none());
    }
}
