/** Chaînes françaises du client. */
import type {ClientKey} from './client-en.js';

export const clientFr: Record<ClientKey, string> = {
  'connect.connecting': 'Connexion à {server}…',
  'connect.retry': 'Impossible de joindre {server} ({reason}). Nouvel essai dans {seconds} s… Ctrl+C pour quitter.',
  'login.title': 'Connexion à {server}',
  'login.username': "Nom d'utilisateur",
  'login.password': 'Mot de passe',
  'login.hint': 'Entrée : se connecter · Tab : champ suivant · Ctrl+R : créer un compte · Ctrl+C : quitter',
  'login.busy': 'Connexion…',
  'register.title': 'Inscription sur {server}',
  'register.alias': 'Alias (visible des autres)',
  'register.confirm': 'Confirmez le mot de passe',
  'register.hint': 'Entrée : créer · Tab : champ suivant · Échap : retour à la connexion',
  'register.busy': 'Création du compte…',
  'register.done': 'Compte {username} créé.',
  'register.welcome': 'Compte {username} créé. Bienvenue !',
  'form.required': 'Remplissez tous les champs.',
  'form.usernameInvalid': "Un nom d'utilisateur a de 2 à 32 lettres, chiffres, points, tirets ou soulignés.",
  'form.aliasInvalid': "Un alias a de 1 à 32 lettres, chiffres, espaces simples et . _ - '",
  'form.passwordShort': 'Le mot de passe doit avoir au moins {min} caractères.',
  'form.passwordMismatch': 'Les deux mots de passe diffèrent.',
  'error.USERNAME_TAKEN': "Ce nom d'utilisateur est déjà pris.",
  'error.ALIAS_TAKEN': 'Cet alias est déjà pris.',
  'error.USERNAME_BANNED': "Ce nom d'utilisateur est banni.",
  'error.INVALID_CREDENTIALS': "Nom d'utilisateur ou mot de passe incorrect.",
  'error.INVALID_TOKEN': 'Votre session a pris fin ; reconnectez-vous.',
  'error.KICKED': 'Vous avez été expulsé : réessayez dans {minutes} minute(s).',
  'error.BANNED': 'Ce compte est banni.',
  'error.UNKNOWN_SALON': "Il n'y a pas de salon {salon}.",
  'error.UNKNOWN_USER': "Il n'y a pas d'utilisateur {username}.",
  'error.NOT_MEMBER': "Vous n'êtes pas membre de ce salon.",
  'error.CANNOT_MESSAGE': 'Vous ne pouvez pas écrire à cette personne.',
  'error.ALREADY_MEMBER': 'Vous êtes déjà membre de ce salon.',
  'error.ALREADY_PENDING': 'Votre demande pour ce salon attend déjà un modérateur.',
  'error.NO_PENDING_REQUEST': "Cette demande n'est plus en attente.",
  'error.FORBIDDEN': 'Seuls les modérateurs peuvent faire cela.',
  'error.STORE_UNAVAILABLE': 'Le serveur ne peut pas enregistrer pour le moment ; nouvel essai.',
  'error.OVERLOADED': 'Le serveur est occupé ; nouvel essai.',
  'error.RATE_LIMITED': 'Ralentissez un peu.',
  'error.TOO_MANY_CONNECTIONS': 'Trop de connexions depuis cet ordinateur.',
  'error.SHUTTING_DOWN': "Le serveur s'arrête.",
  'error.CONNECTION_CLOSED': 'La connexion a été perdue.',
  'error.BAD_REQUEST': 'Le serveur a refusé : {message}',
  'error.generic': 'Erreur : {message}',
  'error.caFile': 'Impossible de lire le certificat de l\u2019autorité : {message}',
  'status.online': 'connecté',
  'status.connecting': 'connexion…',
  'status.reconnecting': 'connexion perdue, nouvel essai dans {seconds} s',
  'status.hints': '/help : aide · Tab : zone suivante · Alt+1-9 : salons · Ctrl+K : aller à · Alt+M : membres · Alt+A : activité',
  'status.pending': "{count} demande(s) d'adhésion : Alt+P",
  'salons.title': 'Salons',
  'salons.direct': 'Messages directs',
  'salons.pending': 'en attente',
  'salons.open': 'ouvert : Entrée',
  'salons.locked': 'modéré : demander',
  'members.title': 'Membres',
  'members.more': '… et {count} de plus',
  'members.self': 'C\u2019est vous : choisissez quelqu\u2019un d\u2019autre à qui écrire.',
  'messages.empty': 'Aucun message pour le moment.',
  'messages.notMember': "Vous n'êtes pas membre de {salon} : Entrée pour adhérer.",
  'messages.pendingJoin': "Votre demande d'adhésion au salon {salon} attend un modérateur.",
  'messages.newBelow': '↓ nouveaux messages plus bas : Fin pour y aller',
  'messages.loadingOlder': 'Chargement des messages plus anciens…',
  'messages.loadingNewer': 'Chargement des messages plus récents…',
  'messages.start': 'Début de {salon}.',
  'messages.morePending': '… et {count} autres en attente d\u2019envoi',
  'messages.unread': 'nouveaux messages',
  'messages.sending': 'envoi…',
  'messages.notSent': 'pas encore envoyé : {reason}',
  'input.placeholder': 'Message pour {salon}',
  'input.tooLong': 'Trop long pour être envoyé : {chars} caractères, {max} au plus.',
  'confirm.send': 'Envoyer ces {lines} lignes ({chars} caractères) à {salon} en un seul message ? (o/n)',
  'confirm.sendNote': 'n revient à la saisie pour le modifier.',
  'confirm.ban': 'Bannir {username} ? (o/n)',
  'confirm.banNote': 'Le compte est supprimé et le nom ne pourra plus s\u2019inscrire ; ses messages restent.',
  'join.question': 'Rejoindre le salon {salon} ? (o/n)',
  'join.moderatedNote': 'Un modérateur doit accepter la demande.',
  'join.requested': "Demande envoyée pour {salon} : en attente d'un modérateur.",
  'join.joined': 'Vous avez rejoint {salon}.',
  'system.joined': '{name} a rejoint le salon {salon}.',
  'system.rejected': "Votre demande d'adhésion au salon {salon} a été refusée. Accès restreint.",
  'system.banned': '{name} a été banni.',
  'switcher.title': 'Aller au salon : tapez pour filtrer · Entrée ouvre · Échap ferme',
  'pending.title': "Demandes d'adhésion : ↑↓ choisir · a accepter · r refuser · Échap fermer",
  'pending.empty': 'Aucune demande en attente.',
  'pending.line': '{username} ({alias}) demande à rejoindre {salon}',
  'window.position': 'lignes {first} à {last} sur {total} · ↑↓ PgUp PgDn Début Fin pour défiler',
  'help.title': 'Touches et commandes : Échap ferme',
  'help.keys':
    'Tab / Maj+Tab : passer des salons aux messages, à la saisie et aux membres (s\u2019ils sont affichés)\n' +
    'Alt+1…9, Ctrl+N / Ctrl+P : changer de salon ou de message direct, dans l\u2019ordre de la liste · Ctrl+K : aller à un salon ou à une personne · Alt+A : suivant avec activité\n' +
    'PgUp / PgDn : faire défiler (les pages anciennes se chargent seules) · Fin : revenir aux derniers\n' +
    'Alt+↑ / Alt+↓ (ou ↑ dans une saisie vide) : curseur de messages ; sur un message e : modifier, d : supprimer, r : répondre, + : réagir, Entrée : aller au message auquel il répond, Échap : retour\n' +
    'Entrée : envoyer · Alt+Entrée : nouvelle ligne · ↑/↓ (ou Ctrl+↑/↓ dans une saisie vide) : historique · Tab : compléter alias et commandes\n' +
    'Ctrl+A / Ctrl+E : début / fin de ligne · Ctrl+W : effacer un mot · Ctrl+U : effacer jusqu\u2019au début\n' +
    'Résultats de /search : ↑↓ choisir (le dernier charge la suite) · Entrée : aller au message · Échap sur celui-ci : retour aux résultats\n' +
    'Alt+M : liste des membres ; Tab pour y aller, ↑/↓ et Entrée : message direct à ce membre, Échap : retour\n' +
    'Alt+P : demandes d\u2019adhésion (modérateurs) · Échap : fermer une fenêtre · Ctrl+C : quitter',
  'messages.deleted': 'message supprimé',
  'messages.edited': '(modifié)',
  'messages.replyUnknown': 'réponse à un message plus ancien',
  'typing.one': '{name} écrit…',
  'typing.two': '{first} et {second} écrivent…',
  'typing.many': 'Plusieurs personnes écrivent…',
  'compose.reply': 'Réponse à {alias} : {text} · Échap annule',
  'compose.replyDeleted': 'Réponse au message supprimé de {alias} · Échap annule',
  'compose.edit': 'Modification de votre message : Entrée enregistre · Échap annule',
  'react.title': 'Réagir : tapez pour filtrer les :codes: · ↑↓ choisir · Entrée ajoute ou retire · Échap ferme',
  'react.none': 'Aucune réaction ne correspond ; un :code: de lettres, chiffres, _ + - convient aussi.',
  'react.mine': 'la vôtre : Entrée la retire',
  'confirm.delete': 'Supprimer ce message ? (o/n)',
  'confirm.deleteNote': 'Tous verront « message supprimé » à sa place ; son texte disparaît pour de bon.',
  'cursor.move': '↑↓ : choisir',
  'cursor.edit': 'e : modifier',
  'cursor.delete': 'd : supprimer',
  'cursor.reply': 'r : répondre',
  'cursor.react': '+ : réagir',
  'cursor.original': 'Entrée : original',
  'cursor.leave': 'Échap : retour',
  'reply.gone': 'Le message auquel il répond n\u2019existe plus.',
  'reply.tooFar': 'Le message auquel il répond est trop loin : PgUp pour y remonter.',
  'cursor.none': 'Aucun message à choisir ici.',
  'cmd.join': '/join SALON : ouvrir un salon, ou demander à le rejoindre',
  'cmd.salon': '/salon create NOM [moderated], /salon archive NOM : créer ou archiver un salon (modérateurs)',
  'error.SALON_EXISTS': 'Un salon porte déjà ce nom.',
  'error.ARCHIVED': 'Ce salon est archivé : il se lit mais ne s\'écrit plus.',
  'error.BAD_SEARCH': 'Cherchez un mot d\'au moins 3 lettres (dates en AAAA-MM-JJ, 8 mots au plus).',
  'error.UNKNOWN_MESSAGE': "Ce message n'existe pas dans cette conversation.",
  'error.NOT_YOURS': 'Seul son auteur peut modifier ce message.',
  'error.EDIT_WINDOW': 'Ce message est trop ancien pour être modifié.',
  'error.DELETED': 'Ce message a été supprimé.',
  'error.TOO_MANY_REACTIONS': 'Ce message porte déjà autant de réactions différentes que permis.',
  'cmd.dm': '/dm NOM [NOM…] : un message direct avec quelqu\'un, ou un groupe (8 personnes au plus) ; noms d\'utilisateur ou alias',
  'cmd.msg': '/msg NOM TEXTE : envoyer un message direct',
  'cmd.block': '/block NOM : NOM ne peut plus vous écrire en direct',
  'cmd.unblock': '/unblock NOM : NOM peut de nouveau vous écrire en direct',
  'flash.blocked': '{name} ne peut plus vous écrire en direct.',
  'flash.unblocked': '{name} peut de nouveau vous écrire en direct.',
  'search.title': 'Recherche « {query} » dans toutes les conversations',
  'search.keys': 'Entrée ouvre · Échap ferme',
  'search.running': 'Recherche…',
  'search.none': 'Aucun message ne correspond à « {query} ».',
  'search.position': 'Résultat {n} sur {count}',
  'search.more': 'PgDn : plus de résultats',
  'search.loadingMore': 'chargement de la suite…',
  'search.noMore': 'aucun autre résultat',
  'search.problem.NO_WORDS': 'Cherchez au moins un mot de 3 lettres ou plus.',
  'search.problem.BAD_DATE': 'Écrivez les dates en AAAA-MM-JJ, comme after:2026-03-01.',
  'search.problem.TOO_MANY_TERMS': 'Au plus 8 mots et « expressions » par recherche.',
  'search.tooFast': 'Recherches trop rapides : attendez {seconds} s.',
  'search.gone': 'Ce message n’existe plus.',
  'search.noLast': 'Aucune recherche précédente à réafficher : /search TEXTE.',
  'cmd.search': '/search TEXTE : chercher dans toutes les conversations : débuts de mots, tous requis, "une expression", from:NOM, in:SALON, after:/before:AAAA-MM-JJ ; /search seul : les derniers résultats',
  'cmd.members': '/members : afficher ou masquer la liste des membres',
  'cmd.logout': '/logout : se déconnecter',
  'cmd.quit': '/quit : quitter',
  'cmd.help': '/help : cette aide',
  'cmd.kick': '/kick UTILISATEUR : déconnecter pour 5 minutes (modérateurs)',
  'cmd.ban': '/ban UTILISATEUR : bannir et supprimer le compte (modérateurs)',
  'cmd.unknown': 'Commande inconnue {command} : tapez /help.',
  'cmd.usage': 'Usage : {usage}',
  'flash.kicked': '{username} a été expulsé pour {minutes} minutes.',
  'flash.banned': '{username} a été banni.',
  'flash.accepted': '{username} peut maintenant entrer dans {salon}.',
  'flash.rejected': '{username} refusé dans {salon}.',
  'flash.joinRequest': '{username} demande à rejoindre {salon} (Alt+P).',
  'ended.kicked': 'Un modérateur vous a déconnecté. Vous pourrez vous reconnecter dans {minutes} minute(s).',
  'ended.banned': "Un modérateur a banni ce compte ; il n'existe plus.",
  'ended.shutdown': "Le serveur s'arrête. Reconnexion dès son retour…",
  'ended.loggedOut': 'Déconnecté.',
  'cli.unknownFlag': 'Option inconnue {flags}. Options valables : {valid}.',
  'script.loginUsage': "Usage : chat login --user NOM (le mot de passe est lu sur la première ligne de l'entrée standard).",
  'script.passwordPrompt': 'Mot de passe (puis Entrée) :',
  'script.loggedIn': 'Connecté en tant que {username} ; la session est gardée dans {file} pour chat send.',
  'script.sendUsage': "Usage : chat send --salon NOM TEXTE… (ou le texte sur l'entrée standard).",
  'script.sendEmpty': "Rien à envoyer : donnez le texte en arguments ou sur l'entrée standard.",
  'script.noToken': "Pas de session : lancez d'abord chat login --user NOM (aucune session dans {file}), ou définissez CHAT_TOKEN.",
  'script.tokenRefused': 'Le jeton de session a été refusé (expiré ou révoqué) : relancez chat login, ou définissez un nouveau CHAT_TOKEN.',
  'script.sent': 'Enregistré (seq {seq}).',
  'script.connectFailed': 'Impossible de joindre le serveur : {message}',
  'cli.unknownCommand': 'Commande inconnue {command} : chat, chat login ou chat send (chat --help).',
  'cli.badNotify': 'Valeur de --notify inconnue {value}. Valeurs valables : {valid}.',
  'notify.joinRequest': '{alias} demande à entrer dans {salon}',
  'notify.commandFailed': 'La commande --on-mention {command} a échoué ({reason}) ; elle reste essayée à chaque notification.',
  'cli.chatHelp': `
  Usage
    $ chat [options]

  Le client terminal de salons-chat.

  Options
    --host HÔTE     adresse du serveur        [CHAT_HOST, défaut localhost]
    --port PORT     port du serveur           [CHAT_PORT, défaut 5000]
    --user NOM      nom d'utilisateur         [CHAT_USER]
    --lang en|fr    langue de l'interface     [CHAT_LANG, sinon la locale]
    --tls           se connecter en TLS       [CHAT_TLS=1]
    --ca FICHIER    faire confiance à cette autorité (PEM)  [CHAT_CA]
    --notify MODE   notifications de bureau pour les mentions, les messages
                    directs et les demandes d'entrée : osc, bell ou off (osc9,
                    osc99, osc777 imposent une séquence)
                    [CHAT_NOTIFY, défaut : choisi selon le terminal]
    --on-mention CMD  lancer aussi CMD pour chacune (sans shell : découpée aux
                    espaces), avec CHAT_KIND, CHAT_CONVERSATION, CHAT_SENDER,
                    CHAT_TEXT définies   [CHAT_ON_MENTION]
    --help, --version

  Pour les scripts
    $ chat login --user NOM       se connecter une fois (mot de passe sur l'entrée
                                  standard) ; la session est gardée dans
                                  $XDG_CONFIG_HOME/salons-chat/session.json
    $ chat send --salon NOM TEXTE envoyer un message (ou le texte sur l'entrée
                                  standard) ; sort avec 0 une fois enregistré
                                  [CHAT_TOKEN : un jeton de session]

  Les couleurs respectent NO_COLOR. Dans le client, /help liste touches et commandes.
`,
};
