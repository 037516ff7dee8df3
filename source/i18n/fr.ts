/** Chaînes françaises. */
import type {MessageKey} from './en.js';

export const fr: Record<MessageKey, string> = {
  'console.username': "Nom d'utilisateur : ",
  'console.password': 'Mot de passe : ',
  'console.authOk': "Authentification réussie pour l'utilisateur {username}.",
  'console.authFailed': "Échec de l'authentification : seul un compte modérateur peut utiliser la console.",
  'console.authGiveUp': "Trop d'échecs ; arrêt.",
  'console.prompt': 'Tapez une commande (KICK/BAN/KILL/ACCEPT/REJECT/HELP) : ',
  'console.unknownCommand': 'Commande inconnue {command}. Tapez HELP pour la liste.',
  'console.usage': 'Usage : {usage}',
  'console.helpTitle': 'Commandes de la console (majuscules ou minuscules) :',
  'console.help.KICK': "déconnecter un utilisateur et refuser sa reconnexion pour un temps (5 minutes par défaut ; 30m, 2h, 1j), avec un motif qui lui est montré",
  'console.help.BAN': 'déconnecter un utilisateur définitivement, avec un motif ; son compte est supprimé et son nom banni',
  'console.help.UNBLOCK': "mettre fin à une expulsion avant son terme, ou lever le bannissement d'un nom",
  'console.help.BLOCKS': 'lister les expulsions en cours (avec le temps restant) et les bannissements',
  'console.help.AUDIT': 'les derniers actes de modération : AUDIT, AUDIT:50, AUDIT:utilisateur, AUDIT:salon',
  'console.help.BOT': 'BOT:ADD:nom:salon[,salon] crée un compte robot et affiche son jeton une seule fois ; BOT:REVOKE:nom le révoque',
  'console.help.BOTS': 'lister les comptes robots (sans leurs jetons)',
  'console.badDuration': 'Durée invalide : {duration} (exemples : 90s, 30m, 2h, 1j ; un an au plus).',
  'console.kicked': "{username} expulsé jusqu'au {time} ({left}).",
  'console.unkicked': "L'expulsion de {username} est terminée : il peut se reconnecter.",
  'console.unbanned': "Le nom {username} n'est plus banni.",
  'console.noBlocks': "Personne n'est expulsé ni banni.",
  'console.kickLine': "  {username} : expulsé, encore {left} (jusqu'au {time}){reason}",
  'console.banLine': '  {username} : banni{reason}',
  'console.noAudit': "Aucun enregistrement dans le journal d'audit.",
  'console.botAdded': 'Le robot {name} peut lire et écrire dans {salons}. Son jeton, affiché seulement maintenant (gardez-le secret) :',
  'console.botRevoked': 'Robot {name} révoqué : son jeton ne fonctionne plus et ses connexions sont fermées.',
  'console.botUnknown': 'Aucun robot actif nommé {name}.',
  'console.noBots': 'Aucun compte robot.',
  'console.botLine': '  {name} → {salons} (depuis le {time})',
  'console.botLineRevoked': '  {name} (depuis le {time}, révoqué)',
  'console.help.HOOK': 'HOOK:ADD:salon:nom crée un webhook qui écrit dans le salon et affiche son URL une seule fois ; HOOK:REVOKE:nom le révoque',
  'console.help.HOOKS': 'lister les webhooks (sans leurs secrets)',
  'console.hookNoHttp': "Les webhooks demandent l'écoute HTTP : démarrez chat-server avec --http-port.",
  'console.hookAdded': 'Le webhook {name} écrit dans {salon}. Son URL, affichée maintenant seulement (gardez-la secrète) :',
  'console.hookRevoked': 'Webhook {name} révoqué.',
  'console.hookUnknown': 'Aucun webhook actif nommé {name}.',
  'console.noHooks': 'Aucun webhook.',
  'console.help.RETENTION': 'durée de conservation des messages : RETENTION liste ; RETENTION:salon:90j, RETENTION:DEFAULT:1a (j, w, a), :off garde tout, RETENTION:salon:default suit la valeur par défaut',
  'console.retentionDefault': 'Par défaut (messages directs et groupes compris) : {period}.',
  'console.retentionSalon': '  {salon} : {period}',
  'console.retentionKeepAll': 'tout est conservé',
  'console.retentionFollows': 'la valeur par défaut',
  'console.retentionSet': 'Conservation de {target} : {period}. Les messages plus anciens sont supprimés en arrière-plan.',
  'console.retentionDefaultName': 'la valeur par défaut',
  'console.badPeriod': "Durée de conservation invalide : {period} (exemples : 30j, 12w, 1a, off, default).",
  'console.hookLine': '  {name} → {salon} (depuis le {time})',
  'console.hookLineRevoked': '  {name} → {salon} (depuis le {time}, révoqué)',
  'console.help.KILL': 'arrêter le serveur (les clients sont prévenus, les messages en attente enregistrés)',
  'console.help.CREATE': 'créer un salon ; ajouter :moderated pour un salon qui demande un modérateur',
  'console.help.ARCHIVE': 'archiver un salon : lecture seule, retiré de la liste, historique gardé',
  'console.help.ACCEPT': "accepter une demande d'adhésion",
  'console.help.REJECT': "refuser une demande d'adhésion",
  'console.help.PENDING': "lister les demandes d'adhésion en attente",
  'console.help.WHO': 'lister les utilisateurs connectés',
  'console.help.HELP': 'afficher cette liste',
  'console.noPending': "Aucune demande d'adhésion en attente.",
  'console.pendingLine': '{username} ({alias}) demande à rejoindre {salon}, depuis {time}',
  'console.nobodyOnline': "Personne n'est connecté.",
  'console.whoLineElsewhere': '{username} ({alias}){role}, connecté(e) à un autre nœud',
  'console.whoLine': '{username} ({alias}){role}, {sessions} connexion(s)',
  'console.roleModerator': ', modérateur',
  'console.firstModerator': "Aucun compte modérateur n'existe encore. Créez le premier maintenant.",
  'console.newUsername': "Nom d'utilisateur du modérateur [admin] : ",
  'console.newPassword': 'Mot de passe (au moins {min} caractères) : ',
  'console.confirmPassword': 'Confirmez le mot de passe : ',
  'console.passwordMismatch': 'Les mots de passe diffèrent ; recommencez.',
  'console.passwordTooShort': 'Le mot de passe doit avoir au moins {min} caractères.',
  'console.usernameInvalid': "Un nom d'utilisateur a de 2 à 32 lettres, chiffres, points, tirets ou soulignés.",
  'console.moderatorRaced': 'Un compte {username} vient d’être créé (par un autre nœud) : connectez-vous avec.',
  'console.moderatorCreated': 'Compte modérateur {username} créé.',
  'console.needAdminEnv':
    "Aucun compte modérateur n'existe et aucun terminal ne permet d'en créer un : définissez CHAT_ADMIN_PASSWORD (et CHAT_ADMIN_USER, admin par défaut).",
  'console.needAuthEnv':
    "Aucun terminal ne permet de s'authentifier : définissez CHAT_ADMIN_USER et CHAT_ADMIN_PASSWORD pour un compte modérateur.",
  'notice.listening': 'Serveur en attente de connexions sur {address} (données : {store}).',
  'notice.registered': 'Nouveau compte {username}.',
  'notice.login': 'Connexion établie avec {username} ({remote}).',
  'notice.logout': "{username} s'est déconnecté.",
  'notice.joined': 'Utilisateur {username} ajouté au salon {salonId}.',
  'notice.join_request': "Demande d'adhésion de {username} pour le salon {salonName}.",
  'notice.accepted': 'Utilisateur {username} ajouté au salon {salonId}.',
  'notice.rejected': 'Utilisateur {username} retiré du salon {salonId}.',
  'notice.kicked': '{username} expulsé : reconnexion refusée pendant {minutes} minutes.',
  'notice.httpListening': 'Webhooks acceptés sur {url}/hooks/<secret>.',
  'notice.searchIndexStart': 'Indexation des messages antérieurs pour la recherche ; elle les trouve au fur et à mesure.',
  'notice.searchIndexProgress': 'Index de recherche : {percent} % des messages antérieurs indexés.',
  'notice.retention': 'Conservation : {count} lignes enregistrées au-delà de leur durée supprimées.',
  'notice.searchIndexDone': 'Index de recherche terminé : tous les messages peuvent être trouvés.',
  'notice.salonCreated': 'Salon {salon} créé (ouvert).',
  'notice.salonCreatedModerated': 'Salon {salon} créé (modéré).',
  'notice.salonArchived': 'Salon {salon} archivé : en lecture seule, retiré de la liste.',
  'error.SALON_EXISTS': 'Un salon nommé {salon} existe déjà.',
  'notice.banned': '{username} banni : compte supprimé.',
  'notice.directoryAccount': "Nouveau compte {username} venu de l'annuaire de l'entreprise.",
  'notice.directoryAccountModerator': "Nouveau compte {username} venu de l'annuaire de l'entreprise (modérateur : membre du groupe des modérateurs).",
  'notice.directoryDisabled': "{username} désactivé : absent ou désactivé dans l'annuaire de l'entreprise ; sessions fermées, messages conservés.",
  'notice.directoryUnavailable': "L'annuaire de l'entreprise est indisponible ({detail}) : les comptes de l'annuaire ne peuvent pas se connecter ; les comptes locaux le peuvent.",
  'notice.directorySync': 'Synchronisation avec l\'annuaire : {checked} compte(s) vérifié(s), {updated} mis à jour, {disabled} désactivé(s).',
  'notice.kickedReason': "{username} expulsé jusqu'au {time} : {reason}",
  'notice.blockEnded': "L'expulsion de {username} est terminée : il peut se reconnecter.",
  'notice.blockLifted': "L'expulsion de {username} a été levée avant son terme.",
  'notice.store_unavailable': "Base de données indisponible ({detail}) : les messages sont refusés jusqu'à son retour.",
  'notice.store_recovered': 'Base de données de nouveau joignable.',
  'notice.internal_error': 'Erreur interne dans {context} : {detail}',
  'notice.cluster': 'Nœud {node} sur le bus {bus}, avec les autres nœuds de cette base.',
  'notice.bus_down': 'Bus vers les autres nœuds perdu : leurs messages sont lus dans la base jusqu’à son retour.',
  'notice.bus_up': 'Bus vers les autres nœuds rétabli.',
  'notice.node_joined': 'Le nœud {node} a rejoint le groupe.',
  'notice.node_lost': 'Le nœud {node} ne répond plus : ses utilisateurs apparaissent déconnectés.',
  'notice.node_left': 'Le nœud {node} s’est arrêté.',
  'server.sqliteSingleNode': 'SQLite ne sert qu’un seul nœud : --bus (CHAT_BUS_URL) demande une base MySQL ou MariaDB partagée (--db mysql://...).',
  'server.ldapUrl': "Adresse d'annuaire invalide {url} : attendu ldap://hôte ou ldaps://hôte.",
  'server.ldapBaseDn': 'Avec --ldap-url, donnez le DN de base sous lequel chercher (--ldap-base-dn).',
  'server.ldapBindPassword': "Le compte de service de l'annuaire n'a pas de mot de passe : donnez --ldap-bind-password-file (ou CHAT_LDAP_BIND_PASSWORD).",
  'server.ldapInterval': "Intervalle de synchronisation de l'annuaire invalide {value} : attendu par exemple 90s, 15m, 1h, 1d, ou 0 pour aucune.",
  'server.ldapFile': 'Impossible de lire {file} : {message}',
  'server.ldapFilter': "Filtre d'utilisateur invalide {filter} : il faut un filtre LDAP contenant {username}, par exemple (uid={username}).",
  'server.ldapPlain': "Attention : l'annuaire est joint en ldap:// sans --ldap-starttls : les mots de passe des employés passent en clair sur le réseau.",
  'server.ldapOn': "Connexion par l'annuaire : {url} (inscription {registration} ; synchronisation toutes les {interval}).",
  'server.ldapRegistrationOpen': 'ouverte',
  'server.ldapRegistrationClosed': 'fermée',
  'server.ldapSyncOff': 'jamais',
  'server.busUrl': 'Adresse de bus invalide {url} : attendu redis://hôte:port.',
  'notice.stopping': 'Arrêt : les clients sont prévenus, les messages en attente enregistrés…',
  'notice.stopped': 'Serveur arrêté.',
  'error.UNKNOWN_USER': 'Utilisateur {username} inconnu.',
  'error.UNKNOWN_SALON': 'Salon {salon} inconnu.',
  'error.ALREADY_MEMBER': "L'utilisateur {username} est déjà adhérent au salon {salon}.",
  'error.NO_PENDING_REQUEST': "{username} n'a pas de demande d'adhésion en attente pour le salon {salon}.",
  'error.USERNAME_TAKEN': 'Un compte nommé {username} existe déjà.',
  'error.STORE_UNAVAILABLE': "La base de données est indisponible ; rien n'a été modifié. Réessayez bientôt.",
  'error.generic': 'Erreur : {message}',
  'server.startFailed': 'chat-server ne peut pas démarrer : {message}',
  'server.dbUnreachable': 'Impossible de joindre la base de données {location} : {message}',
  'server.tlsFiles': 'Impossible de lire le certificat ou la clé TLS : {message}',
  'server.portInUse': 'Le port {port} sur {host} est déjà utilisé. Choisissez-en un autre avec --port ou CHAT_PORT.',
  'cli.unknownFlag': 'Option inconnue {flags}. Options valables : {valid}.',
  'cli.exportHelp': `
  Utilisation
    $ chat-server export [options]

  Écrit la base en JSON Lines : un enregistrement de version, puis les comptes (jamais
  d'empreinte de mot de passe ni de jeton), les salons, les adhésions, les demandes
  d'adhésion, les messages avec leurs modifications, le journal d'audit, et un
  enregistrement de fin avec les comptes. Mêmes options de base de données que le
  serveur ; peut tourner pendant qu'il sert. L'export est inscrit au journal d'audit.

  Options
    --out FICHIER      écrire dans FICHIER (lisible par son seul propriétaire) ;
                       par défaut la sortie standard
    --since AAAA-MM-JJ messages et enregistrements d'audit à partir de ce jour (UTC)
    --until AAAA-MM-JJ ... jusqu'à ce jour inclus (UTC)
    --salon NOM        un seul salon : ses membres, adhésions et messages
    --user NOM         tout ce qui concerne une personne (demande au titre de la
                       protection des données) : son compte, ses adhésions, ses
                       messages, ses demandes d'adhésion et le journal d'audit la visant
    --operator NOM     qui exporte, dans le journal d'audit  [défaut : l'utilisateur système]
    --db URL, --data-dir DOSSIER, --lang en|fr   comme pour le serveur
    --help
`,
  'export.badDate': 'Date invalide : {date} (AAAA-MM-JJ).',
  'export.unknownSalon': 'Aucun salon nommé {salon}.',
  'export.noAccount': "Aucun compte nommé {user} : l'export ne contient que ce qui fait référence à ce nom.",
  'export.done': "Exporté : {accounts} comptes, {salons} salons, {memberships} adhésions, {joinRequests} demandes d'adhésion, {messages} messages, {changes} modifications et {audit} enregistrements d'audit vers {file}.",
  'export.failed': "L'export a échoué : {message}",
  'cli.serverHelp': `
  Usage
    $ chat-server [options]
    $ chat-server export [options]     (chat-server export --help)

  Démarre le serveur de discussion. Sans option, il écoute sur localhost:5000 et garde ses
  données dans un fichier SQLite du dossier de données (créé au premier démarrage).

  Options
    --host HÔTE        adresse d'écoute                [CHAT_HOST, défaut localhost]
    --port PORT        port TCP                        [CHAT_PORT, défaut 5000]
    --db URL           mysql://user:pass@hôte:3306/base pour utiliser MySQL ou
                       MariaDB au lieu de SQLite       [CHAT_DB_URL]
    --data-dir DOSSIER où vit le fichier SQLite        [CHAT_DATA_DIR,
                       défaut $XDG_DATA_HOME/salons-chat ou ~/.local/share/salons-chat]
    --lang en|fr       langue de la console            [CHAT_LANG, sinon la locale]
    --no-console       pas d'invite de commande (gestionnaires de services) ;
                       l'opérateur est authentifié par CHAT_ADMIN_USER et CHAT_ADMIN_PASSWORD
    --tls-cert FICHIER certificat PEM : parler TLS       [CHAT_TLS_CERT]
    --tls-key FICHIER  clé privée PEM                    [CHAT_TLS_KEY]
    --message-rate N   messages par seconde et par connexion, rafales de 3N
                                                     [CHAT_MESSAGE_RATE, défaut 10]
    --max-connections-per-address N                  [CHAT_MAX_CONNECTIONS_PER_ADDRESS, défaut 50]
    --idle-timeout S   fermer les connexions muettes depuis S secondes
                                                     [CHAT_IDLE_TIMEOUT, défaut 90]
    --logins-per-address N  connexions par minute depuis une adresse IP
                                                     [CHAT_LOGINS_PER_ADDRESS, défaut 60]
    --registrations-per-address N  comptes créés par heure depuis une adresse IP
                                                     [CHAT_REGISTRATIONS_PER_ADDRESS, défaut 10]
    --http-port N      accepter les webhooks entrants en HTTP sur ce port (TLS avec
                       --tls-cert/--tls-key)        [CHAT_HTTP_PORT, défaut : éteint]
    --edit-window M    l'auteur peut modifier ou supprimer un message pendant M
                       minutes après l'envoi (0 : toujours) [CHAT_EDIT_WINDOW, défaut 0]
    --no-author-delete seuls les modérateurs suppriment des messages (dans les salons)
                                                     [CHAT_AUTHOR_DELETE=0]
    --bus URL          redis://hôte:6379 : rejoindre les autres nœuds de la même base
                       MySQL (plusieurs nœuds derrière un répartiteur) [CHAT_BUS_URL]
    --node-id NOM      nom de ce nœud dans les journaux [CHAT_NODE_ID, défaut hôte-pid]
    --dashboard        après l'authentification, une vue plein écran de tous les
                       nœuds au lieu de l'invite (: lance une commande) [CHAT_DASHBOARD=1]
    --help, --version

  Connexion par l'annuaire de l'entreprise (LDAP / Active Directory ; docs/OPERATIONS.md)
    --ldap-url URL     ldap://hôte ou ldaps://hôte : active la connexion par l'annuaire
                                      [CHAT_LDAP_URL]
    --ldap-bind-dn DN  le compte de service qui cherche [CHAT_LDAP_BIND_DN]
    --ldap-bind-password-file FICHIER  son mot de passe, lu dans un fichier
                                      [CHAT_LDAP_BIND_PASSWORD_FILE]
    --ldap-bind-password MDP  le même en ligne de commande (visible dans ps : préférez
                       le fichier)                  [CHAT_LDAP_BIND_PASSWORD]
    --ldap-base-dn DN  où chercher les personnes      [CHAT_LDAP_BASE_DN]
    --ldap-user-filter F  trouve une personne par le nom tapé, échappé
                       [CHAT_LDAP_USER_FILTER, défaut (uid={username}) ;
                       AD : (&(objectClass=user)(sAMAccountName={username}))]
    --ldap-alias-attribute A,B  attributs du nom affiché, le premier présent l'emporte
                                      [CHAT_LDAP_ALIAS_ATTRIBUTE, défaut displayName,cn]
    --ldap-id-attribute A  identifiant stable : entryUUID, ou objectGUID pour AD
                                      [CHAT_LDAP_ID_ATTRIBUTE, défaut entryUUID]
    --ldap-moderator-group DN  les membres directs de ce groupe sont modérateurs
                                      [CHAT_LDAP_MODERATOR_GROUP]
    --ldap-starttls    passer ldap:// en TLS par StartTLS [CHAT_LDAP_STARTTLS=1]
    --ldap-ca-file FICHIER  CA (PEM) à laquelle le certificat de l'annuaire doit
                       remonter                     [CHAT_LDAP_CA_FILE, défaut : celles du système]
    --ldap-sync-interval T  désactiver les personnes parties ou désactivées dans
                       l'annuaire, suivre les noms et le groupe (90s, 15m, 1h ; 0 : jamais)
                                      [CHAT_LDAP_SYNC_INTERVAL, défaut 1h]
    --ldap-register    laisser l'inscription ouverte à côté de l'annuaire
                                      [CHAT_LDAP_REGISTER=1, défaut : fermée]

  La console demande au démarrage le nom et le mot de passe d'un modérateur. Le premier
  démarrage crée le premier compte modérateur (par l'invite, ou par CHAT_ADMIN_USER et
  CHAT_ADMIN_PASSWORD).

  Exemples
    $ chat-server
    $ chat-server --port 6000 --db mysql://chat:secret@127.0.0.1:3306/chat
`,
};
