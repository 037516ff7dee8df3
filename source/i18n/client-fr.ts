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
  'status.hints': '/help : aide · Tab : zone suivante · Alt+1-5 : salons · Ctrl+K : aller à · Alt+M : membres · Alt+A : activité',
  'status.pending': "{count} demande(s) d'adhésion : Alt+P",
  'salons.title': 'Salons',
  'salons.pending': 'en attente',
  'salons.open': 'ouvert : Entrée',
  'salons.locked': 'modéré : demander',
  'members.title': 'Membres',
  'members.more': '… et {count} de plus',
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
  'search.title': 'Messages contenant « {query} » dans {salon} : Échap ferme',
  'search.running': 'Recherche…',
  'search.none': 'Aucun message ne contient « {query} ».',
  'window.position': 'lignes {first} à {last} sur {total} · ↑↓ PgUp PgDn Début Fin pour défiler',
  'help.title': 'Touches et commandes : Échap ferme',
  'help.keys':
    'Tab / Maj+Tab : passer des salons aux messages et à la saisie\n' +
    'Alt+1…5, Ctrl+N / Ctrl+P : changer de salon · Ctrl+K : aller à un salon · Alt+A : salon suivant avec activité\n' +
    'PgUp / PgDn : faire défiler (les pages anciennes se chargent seules) · Fin : revenir aux derniers\n' +
    'Entrée : envoyer · Alt+Entrée : nouvelle ligne · ↑/↓ : historique · Tab : compléter alias et commandes\n' +
    'Ctrl+A / Ctrl+E : début / fin de ligne · Ctrl+W : effacer un mot · Ctrl+U : effacer jusqu\u2019au début\n' +
    'Alt+M : liste des membres · Alt+P : demandes d\u2019adhésion (modérateurs) · Échap : fermer une fenêtre · Ctrl+C : quitter',
  'cmd.join': '/join SALON : ouvrir un salon, ou demander à le rejoindre',
  'cmd.search': '/search TEXTE : chercher dans le salon courant',
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
    --help, --version

  Les couleurs respectent NO_COLOR. Dans le client, /help liste touches et commandes.
`,
};
