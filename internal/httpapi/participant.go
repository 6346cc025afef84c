package httpapi

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
)

type consentRequest struct {
	GivenOn string   `json:"given_on" validate:"required,date"`
	Method  string   `json:"method" validate:"required,consent_method"`
	Scopes  []string `json:"scopes" validate:"required,min=1,unique,dive,consent_scope"`
}

// consent converts a validated request; field prefixes the error path.
func (r consentRequest) consent(field string) (pathway.Consent, error) {
	d, err := parseDate(field+"given_on", r.GivenOn)
	if err != nil {
		return pathway.Consent{}, err
	}
	c := pathway.Consent{GivenOn: d, Method: pathway.ConsentMethod(r.Method)}
	for _, sc := range r.Scopes {
		c.Scopes = append(c.Scopes, pathway.ConsentScope(sc))
	}
	return c, nil
}

type participantRequest struct {
	ExternalRef string          `json:"external_ref" validate:"notblank,max=100"`
	DisplayName string          `json:"display_name" validate:"notblank,max=100"`
	ProgramIDs  []int64         `json:"program_ids" validate:"omitempty,max=50,unique,dive,gt=0"`
	Consent     *consentRequest `json:"consent" validate:"required"`
	Rung        string          `json:"rung" validate:"omitempty,rung"`
}

type participantPatch struct {
	ExternalRef *string  `json:"external_ref" validate:"omitnil,notblank,max=100"`
	DisplayName *string  `json:"display_name" validate:"omitnil,notblank,max=100"`
	ProgramIDs  *[]int64 `json:"program_ids" validate:"omitnil,max=50,unique,dive,gt=0"`
}

type participantPage struct {
	Items      []pathway.Participant `json:"items"`
	NextCursor *string               `json:"next_cursor"`
}

func (s *Server) createParticipant(c *gin.Context) error {
	var req participantRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	cons, err := req.Consent.consent("consent.")
	if err != nil {
		return err
	}
	np := pathway.NewParticipant{
		ExternalRef: strings.TrimSpace(req.ExternalRef),
		DisplayName: strings.TrimSpace(req.DisplayName),
		ProgramIDs:  req.ProgramIDs,
		Consent:     cons,
		Rung:        pathway.Observer,
	}
	if req.Rung != "" {
		np.Rung = rung(req.Rung)
	}
	p, err := s.Participants.CreateParticipant(c.Request.Context(), actor(c), np)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/participants/"+strconv.FormatInt(p.ID, 10))
	c.JSON(http.StatusCreated, p)
	return nil
}

// getParticipant answers one person; ?include= adds parts of their
// history (see recordParts), so that a page of them is one audited read.
func (s *Server) getParticipant(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var q recordQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	parts, err := q.parts(actor(c))
	if err != nil {
		return err
	}
	r, err := s.Records.FindRecord(c.Request.Context(), actor(c), id, parts)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, r)
	return nil
}

// listQuery holds the query parameters of GET /participants.
type listQuery struct {
	ExternalRef string `form:"external_ref" json:"external_ref" validate:"max=100"`
	Rung        string `form:"rung" json:"rung" validate:"omitempty,rung"`
	ProgramID   int64  `form:"program_id" json:"program_id" validate:"omitempty,gt=0"`
	Q           string `form:"q" json:"q" validate:"max=100"`
	Limit       *int   `form:"limit" json:"limit" validate:"omitnil,min=1,max=200"`
	Cursor      string `form:"cursor" json:"cursor"`
	Sort        string `form:"sort" json:"sort" validate:"omitempty,oneof=added name last_engaged"`
	Recent      string `form:"recent" json:"recent" validate:"omitempty,oneof=true false"`
}

func encodeCursor(id int64) *string {
	if id == 0 {
		return nil
	}
	s := base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
	return &s
}

func decodeCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	id, perr := strconv.ParseInt(string(b), 10, 64)
	if err != nil || perr != nil || id <= 0 {
		return 0, pathway.Invalid("cursor", "is not a cursor this service gave out")
	}
	return id, nil
}

func (s *Server) listParticipants(c *gin.Context) error {
	var q listQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	after, err := decodeCursor(q.Cursor)
	if err != nil {
		return err
	}
	f := pathway.ParticipantFilter{ExternalRef: q.ExternalRef, ProgramID: q.ProgramID, Text: strings.TrimSpace(q.Q), After: after, Limit: 50, Recent: q.Recent == "true"}
	if q.Limit != nil {
		f.Limit = *q.Limit
	}
	switch q.Sort {
	case "name":
		f.Sort = pathway.SortByName
	case "last_engaged":
		f.Sort = pathway.SortByLastEngaged
	}
	if f.Recent && (q.Sort != "" || q.Cursor != "") {
		return pathway.Invalid("recent", "lists the people you opened lately, newest first, on one page: it takes no sort and no cursor")
	}
	if q.Rung != "" {
		f.Rung = rung(q.Rung)
	}
	ps, next, err := s.Participants.ListParticipants(c.Request.Context(), actor(c), f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, participantPage{Items: ps, NextCursor: encodeCursor(next)})
	return nil
}

// rungCount is the number of participants on one rung.
type rungCount struct {
	Rung  pathway.Rung `json:"rung"`
	Count int          `json:"count"`
}

// countParticipants answers how many participants the caller may see stand
// on each rung: exact counts for the roles that see people anyway.
func (s *Server) countParticipants(c *gin.Context) error {
	counts, err := s.Participants.CountByRung(c.Request.Context(), actor(c))
	if err != nil {
		return err
	}
	out := make([]rungCount, len(pathway.Rungs))
	for i, r := range pathway.Rungs {
		out[i] = rungCount{Rung: r, Count: counts[i]}
	}
	c.JSON(http.StatusOK, gin.H{"rungs": out, "total": counts.Sum()})
	return nil
}

func (s *Server) updateParticipant(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req participantPatch
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	upd := pathway.ParticipantUpdate{ProgramIDs: req.ProgramIDs}
	if req.ExternalRef != nil {
		v := strings.TrimSpace(*req.ExternalRef)
		upd.ExternalRef = &v
	}
	if req.DisplayName != nil {
		v := strings.TrimSpace(*req.DisplayName)
		upd.DisplayName = &v
	}
	p, err := s.Participants.UpdateParticipant(c.Request.Context(), actor(c), id, upd)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, p)
	return nil
}

func (s *Server) renewConsent(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req consentRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	cons, err := req.consent("")
	if err != nil {
		return err
	}
	p, err := s.Participants.RenewConsent(c.Request.Context(), actor(c), id, cons)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, p)
	return nil
}

func (s *Server) withdrawConsent(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pending, err := s.Participants.WithdrawConsent(c.Request.Context(), actor(c), id)
	if err != nil {
		return err
	}
	if pending {
		// Erased, but not yet gone from every file: say so rather than 204.
		c.JSON(http.StatusAccepted, gin.H{"scrub": "pending"})
		return nil
	}
	c.Status(http.StatusNoContent)
	return nil
}

type placementRequest struct {
	Rung        string            `json:"rung" validate:"required,rung"`
	EffectiveOn string            `json:"effective_on" validate:"required,date"`
	Note        string            `json:"note" validate:"max=500"`
	Evidence    []evidenceRequest `json:"evidence" validate:"max=50,dive"`
}

// evidenceRequest names a role or engagement a placement is accepted on.
type evidenceRequest struct {
	Kind string `json:"kind" validate:"required,evidence_kind"`
	ID   int64  `json:"id" validate:"required,gt=0"`
}

func (s *Server) createPlacement(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req placementRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	d, err := parseDate("effective_on", req.EffectiveOn)
	if err != nil {
		return err
	}
	p := &pathway.Placement{Rung: rung(req.Rung), EffectiveOn: d, Note: strings.TrimSpace(req.Note)}
	for _, ev := range req.Evidence {
		p.Evidence = append(p.Evidence, pathway.Evidence{Kind: pathway.EvidenceKind(ev.Kind), ID: ev.ID})
	}
	if err := s.Participants.AddPlacement(c.Request.Context(), actor(c), id, p); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, p)
	return nil
}

func (s *Server) listPlacements(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ps, err := s.Participants.ListPlacements(c.Request.Context(), actor(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": ps})
	return nil
}

func (s *Server) deletePlacement(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(c, "placement_id")
	if err != nil {
		return err
	}
	if err := s.Participants.DeletePlacement(c.Request.Context(), actor(c), id, pid); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

type engagementRequest struct {
	OccurredOn string `json:"occurred_on" validate:"required,date"`
	Activity   string `json:"activity" validate:"notblank,max=200"`
	ProgramID  *int64 `json:"program_id" nullable:"true" validate:"omitnil,gt=0"`
	Strategy   string `json:"strategy" validate:"omitempty,strategy"`
	Note       string `json:"note" validate:"max=500"`
}

func (s *Server) createEngagement(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req engagementRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	d, err := parseDate("occurred_on", req.OccurredOn)
	if err != nil {
		return err
	}
	e := &pathway.Engagement{OccurredOn: d, Activity: strings.TrimSpace(req.Activity), ProgramID: req.ProgramID, Note: strings.TrimSpace(req.Note)}
	if req.Strategy != "" {
		st := pathway.Strategy(req.Strategy)
		e.Strategy = &st
	}
	if err := s.Participants.AddEngagement(c.Request.Context(), actor(c), id, e); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, e)
	return nil
}

func (s *Server) listEngagements(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	es, err := s.Participants.ListEngagements(c.Request.Context(), actor(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": es})
	return nil
}

type checkinRequest struct {
	AssessedOn        string `json:"assessed_on" validate:"required,date"`
	Perspective       string `json:"perspective" validate:"required,perspective"`
	SelfAdvocacy      *int   `json:"self_advocacy" validate:"required,min=1,max=4"`
	RootCauseAnalysis *int   `json:"root_cause_analysis" validate:"required,min=1,max=4"`
	Leadership        *int   `json:"leadership" validate:"required,min=1,max=4"`
	Note              string `json:"note" validate:"max=500"`
}

func (s *Server) createCheckin(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req checkinRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	d, err := parseDate("assessed_on", req.AssessedOn)
	if err != nil {
		return err
	}
	ci := &pathway.CapacityCheckin{
		AssessedOn: d, Perspective: pathway.Perspective(req.Perspective),
		SelfAdvocacy: *req.SelfAdvocacy, RootCauseAnalysis: *req.RootCauseAnalysis, Leadership: *req.Leadership,
		Note: strings.TrimSpace(req.Note),
	}
	if err := s.Participants.AddCheckin(c.Request.Context(), actor(c), id, ci); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, ci)
	return nil
}

func (s *Server) listCheckins(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cs, err := s.Participants.ListCheckins(c.Request.Context(), actor(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": cs})
	return nil
}
